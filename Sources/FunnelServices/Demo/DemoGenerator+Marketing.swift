import FunnelStore

extension DemoGenerator {
    static let contentTypeWeights: [(ContentType, Int)] = [
        (.blog, 30), (.email, 25), (.social, 30), (.landingPage, 5), (.video, 5), (.whitepaper, 5),
    ]

    mutating func generateContent(_ context: OrganizationContext, count: Int, tables: DemoTables) throws {
        let authors = context.marketers + [context.manager]
        for index in 0..<count {
            let id = nextID("content")
            let type = Self.contentTypeWeights[random.weighted(Self.contentTypeWeights.map(\.1))].0
            // Spread over three months either side of today, at office hours.
            let dayOffset = Int64(random.below(181)) - 90
            let scheduled = (now / Self.day + dayOffset) * Self.day + Int64(8 + random.below(10)) * 3600 + Int64(random.below(4)) * 900
            let status: ContentStatus
            if dayOffset < 0 {
                status = [.published, .published, .published, .published, .published, .published, .archived, .approved, .draft, .draft][random.below(10)]
            } else {
                status = [.scheduled, .scheduled, .scheduled, .scheduled, .approved, .approved, .pendingApproval, .pendingApproval, .draft, .draft][random.below(10)]
            }
            let hasDate = status != .draft || random.chance(50)
            let created = min(scheduled, now) - Int64(2 + random.below(20)) * Self.day
            let submitted: Int64? = status == .draft ? nil : min(now - 3600, created + Int64(1 + random.below(3)) * Self.day)
            let author = random.pick(authors)
            let topic = random.pick(DemoVocabulary.contentTopics)
            let title = "\(topic) #\(index + 1)"
            var body = ""
            for _ in 0..<(3 + random.below(4)) {
                body += random.pick(DemoVocabulary.contentSentences) + " "
            }
            body += "\n\nPlanned by \(["the growth team", "product marketing", "the field team"][random.below(3)])."
            let product = random.chance(70) ? random.pick(context.products) : nil
            try tables.content.insert { row in
                row.int(id); row.int(context.id); row.int(author); row.int(product); row.text(title); row.text(body)
                row.text(type.rawValue); row.text(status.rawValue); row.timestamp(hasDate ? scheduled : nil)
                row.timestamp(submitted); row.timestamp(created); row.timestamp(max(created, submitted ?? created))
            }
            if status == .approved || status == .scheduled || status == .published {
                let activityID = nextID("activities")
                let approver = context.manager == author ? context.marketers[0] : context.manager
                try tables.activities.insert { row in
                    row.int(activityID); row.int(context.id); row.text("content"); row.int(id); row.text("approved"); row.int(approver)
                    row.text(#"{"after":{"status":"approved"},"before":{"status":"pending_approval"},"comment":"Looks good"}"#)
                    row.timestamp(submitted.map { $0 + 7200 } ?? created)
                }
            }
            let published = status == .published
            if type == .social {
                for platform in SocialPlatform.allCases.shuffled(using: &random).prefix(1 + random.below(3)) {
                    let postID = nextID("social_posts")
                    let metrics = published
                        ? #"{"impressions":\#(500 + random.below(50_000)),"likes":\#(random.below(900)),"shares":\#(random.below(120)),"comments":\#(random.below(60))}"#
                        : "{}"
                    try tables.socialPosts.insert { row in
                        row.int(postID); row.int(id); row.text(platform.rawValue)
                        row.text(published ? "\(platform.rawValue)-\(random.next() % 10_000_000_000)" : nil)
                        row.text(published ? "published" : (status == .scheduled ? "scheduled" : "draft")); row.text(metrics)
                        row.timestamp(published ? scheduled : nil); row.timestamp(created); row.timestamp(created)
                    }
                }
            }
            if type == .email {
                let campaignID = nextID("email_campaigns")
                let sent = published ? 500 + random.below(50_000) : 0
                let opened = published ? sent * (15 + random.below(30)) / 100 : 0
                try tables.campaigns.insert { row in
                    row.int(campaignID); row.int(context.id); row.int(id); row.text("\(topic): what's new")
                    row.text("tpl-\(1 + random.below(5))")
                    row.text(published ? "sent" : (status == .scheduled ? "scheduled" : "draft"))
                    row.int(Int64(sent)); row.int(Int64(opened)); row.timestamp(created); row.timestamp(created)
                }
            }
        }
    }

    mutating func generateRuns(_ context: OrganizationContext, count: Int, tables: DemoTables) throws {
        let weights: [(RunStatus, Int)] = [(.succeeded, 70), (.failed, 12), (.running, 5), (.pending, 5), (.cancelled, 8)]
        for _ in 0..<count {
            let id = nextID("workflow_runs")
            let status = weights[random.weighted(weights.map(\.1))].0
            let started = now - Int64(random.below(60 * 86_400))
            let finished = status == .succeeded || status == .failed || status == .cancelled
            let completed: Int64? = finished ? started + Int64(1 + random.below(600)) : nil
            let error: String? = status == .failed ? random.pick(DemoVocabulary.failureMessages) : nil
            try tables.runs.insert { row in
                row.int(id); row.int(random.pick(context.workflows)); row.text(status.rawValue)
                row.text(#"{"lead_id":\#(1 + random.below(1000))}"#)
                row.text(status == .succeeded ? #"{"score":\#(random.below(101))}"# : nil)
                row.timestamp(status == .pending ? nil : started); row.timestamp(completed); row.text(error)
            }
        }
    }
}
