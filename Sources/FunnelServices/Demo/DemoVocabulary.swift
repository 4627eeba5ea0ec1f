/// The words the demo workspace is made of: names and companies from many languages.
enum DemoVocabulary {
    /// Given names as shown, with an ASCII form for email addresses.
    static let givenNames: [(shown: String, ascii: String)] = [
        ("Maria", "maria"), ("José", "jose"), ("Zoë", "zoe"), ("Björn", "bjorn"), ("Amélie", "amelie"),
        ("Liam", "liam"), ("Olivia", "olivia"), ("Noah", "noah"), ("Emma", "emma"), ("Lucas", "lucas"),
        ("Sofía", "sofia"), ("Mateo", "mateo"), ("Chloé", "chloe"), ("Jürgen", "jurgen"), ("Ingrid", "ingrid"),
        ("Priya", "priya"), ("Arjun", "arjun"), ("Aisha", "aisha"), ("Omar", "omar"), ("Fatma", "fatma"),
        ("Ngọc", "ngoc"), ("Thảo", "thao"), ("Kwame", "kwame"), ("Amara", "amara"), ("Søren", "soren"),
        ("Łukasz", "lukasz"), ("Ana", "ana"), ("João", "joao"), ("Hannah", "hannah"), ("Ethan", "ethan"),
        ("伟", "wei"), ("娜", "na"), ("小明", "xiaoming"), ("健", "ken"), ("花子", "hanako"), ("翔太", "shota"),
        ("민준", "minjun"), ("서연", "seoyeon"), ("Dmitri", "dmitri"), ("Olga", "olga"),
    ]

    /// Family names as shown, with an ASCII form; CJK family names come first in `fullName`.
    static let familyNames: [(shown: String, ascii: String, eastAsian: Bool)] = [
        ("García", "garcia", false), ("Müller", "muller", false), ("Dubois", "dubois", false),
        ("Rossi", "rossi", false), ("Smith", "smith", false), ("Johnson", "johnson", false),
        ("Ødegaard", "odegaard", false), ("Novák", "novak", false), ("Kowalski", "kowalski", false),
        ("Silva", "silva", false), ("Patel", "patel", false), ("Okafor", "okafor", false),
        ("Nguyễn", "nguyen", false), ("Trần", "tran", false), ("Yılmaz", "yilmaz", false),
        ("O'Brien", "obrien", false), ("Fernández", "fernandez", false), ("Schäfer", "schafer", false),
        ("Andersson", "andersson", false), ("Ivanova", "ivanova", false),
        ("王", "wang", true), ("李", "li", true), ("張", "zhang", true), ("佐藤", "sato", true),
        ("鈴木", "suzuki", true), ("高橋", "takahashi", true), ("김", "kim", true), ("박", "park", true),
    ]

    /// Companies as shown, with their web domain.
    static let companies: [(shown: String, domain: String)] = [
        ("Acme Corporation", "acme.example"), ("Globex", "globex.example"), ("Initech", "initech.example"),
        ("Umbrella Health", "umbrella.example"), ("Stark Logistics", "starklog.example"),
        ("Wayne Analytics", "wayne.example"), ("Müller & Söhne GmbH", "mueller-soehne.example"),
        ("Société Lumière", "lumiere.example"), ("Café Olé SARL", "cafeole.example"),
        ("株式会社サクラ", "sakura.example"), ("東京データ株式会社", "tokyodata.example"),
        ("北京云科技有限公司", "bjcloud.example"), ("삼성테크", "samtech.example"),
        ("Nordisk Fjord AS", "fjord.example"), ("Zürich Fintech AG", "zfintech.example"),
        ("São Paulo Varejo", "spvarejo.example"), ("Istanbul Tekstil A.Ş.", "istekstil.example"),
        ("Lagos Agritech", "lagosagri.example"), ("Bangalore Soft Pvt", "blrsoft.example"),
        ("Hanoi Foods", "hanoifoods.example"), ("Krakowska Budowa", "krbudowa.example"),
        ("Pied Piper", "piedpiper.example"), ("Hooli", "hooli.example"), ("Vandelay Industries", "vandelay.example"),
        ("Dunder Mifflin", "dundermifflin.example"), ("Soylent Foods", "soylent.example"),
        ("Tyrell Robotics", "tyrell.example"), ("Cyberdyne Systems", "cyberdyne.example"),
        ("Rocket 🚀 Labs", "rocketlabs.example"), ("Blue Sun Trading", "bluesun.example"),
    ]

    static let freeMailDomains = ["gmail.com", "yahoo.com", "outlook.com", "proton.me", "gmx.de", "qq.com", "naver.com"]

    /// Phone number shapes, as people type them; `#` is a digit.
    static let phoneShapes = [
        "+1 415-555-####", "(212) 555-####", "+44 20 7946 ####", "+49 30 1234####", "+81 3-1234-####",
        "+33 1 42 68 ## ##", "+86 10 6552 ####", "+55 11 9####-1234", "+91 98450 #####", "+82 2-312-####",
    ]

    static let contentTopics = [
        "Pipeline hygiene", "Lead scoring 101", "Q4 launch", "Customer story: Initech", "Pricing update",
        "Webinar: forecasting", "Release notes", "Partner spotlight", "Holiday campaign", "Onboarding tips",
        "Case study: 株式会社サクラ", "Product tour", "Security whitepaper", "Café Lumière rebrand",
        "Year in review", "Churn playbook", "Event recap: SaaStr", "Integrations roundup",
    ]

    static let contentSentences = [
        "Teams that triage leads daily close deals faster than teams that batch the work weekly.",
        "This post walks through the changes and what they mean for your pipeline.",
        "We measured open rates across three segments and the difference was striking.",
        "Keep the subject line under fifty characters and lead with the benefit.",
        "Every claim in this piece links to a source your prospects can check.",
        "Our customers asked for fewer clicks; this release removes four of them.",
        "Forecasts improve when probabilities follow stages instead of gut feeling.",
        "Approvals should take hours, not days: here is the checklist we use.",
    ]

    static let productNames: [(String, ProductKind)] = [
        ("Funnel Cloud", .software), ("Insight Analytics", .subscription), ("Edge Sensor Kit", .hardware),
        ("Onboarding Service", .service), ("Data Connector Pack", .software), ("Premium Support", .subscription),
    ]

    enum ProductKind: String { case software, hardware, service, subscription }

    static let pages = ["/pricing", "/features", "/blog/lead-scoring", "/demo", "/integrations", "/customers", "/docs/api"]

    static let failureMessages = [
        "timeout after 30s calling the enrichment API",
        "rate limited by the email provider (429)",
        "template variable {{first_name}} missing for 3 recipients",
        "agent returned invalid JSON at step 2",
    ]
}
