import FunnelUI
import Testing

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("a", 1), ("王", 2), ("株", 2), ("한", 2), ("カ", 2), ("Ａ", 2), ("🚀", 2), ("👨‍👩‍👧", 2), ("🇯🇵", 2),
        ("❤️", 2), ("e\u{301}", 1), ("\u{200B}", 0), ("\u{7}", 0), ("é", 1), ("…", 1), ("─", 1), ("👍🏽", 2),
    ])
    func characterWidth(text: String, expected: Int) {
        #expect(DisplayWidth.width(of: Character(text)) == expected)
    }

    @Test func stringWidthSumsGraphemes() {
        #expect(DisplayWidth.width(of: "王小明 Ada 🚀") == 2 * 3 + 1 + 3 + 1 + 2)
        #expect(DisplayWidth.width(of: "株式会社") == 8)
        #expect(DisplayWidth.width(of: "") == 0)
    }

    @Test func wrapBreaksCJKWithoutSpacesAndWordsAtSpaces() {
        #expect(TextLayout.wrap("hello big world", width: 9) == ["hello big", "world"])
        #expect(TextLayout.wrap("株式会社山田", width: 5) == ["株式", "会社", "山田"])
        #expect(TextLayout.wrap("abcdefgh", width: 3) == ["abc", "def", "gh"])
        for line in TextLayout.wrap("王小明 calls 株式会社 about 🚀 launch", width: 7) {
            #expect(DisplayWidth.width(of: line) <= 7)
        }
    }
}
