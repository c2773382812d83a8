import IDCSyncCore

/// Japanese as an IT administrator writes it for colleagues: です/ます調, the terms of the AWS
/// console's Japanese UI (アクセスポータル, プライマリリージョン, 許可セット), full-width punctuation.
struct JapaneseGuideText: GuideStrings {
    var language: BookmarksConfig.Language { .ja }
    var title: String { "AWS アクセスポータル: リージョンごとの URL と使い分け" }

    func generatedNote(instanceId: String) -> String {
        "このファイルは `idcsync bookmarks` が IAM Identity Center インスタンス `\(instanceId)` について生成したものです。リージョンを追加・削除するたびに再生成されるため、直接編集しないでください。"
    }

    var instanceLabel: String { "インスタンス" }
    var identityStoreLabel: String { "アイデンティティストア" }
    var primaryRegionLabel: String { "プライマリリージョン" }
    var regionsLabel: String { "リージョン" }
    var startURLLabel: String { "スタート URL" }

    func regionName(_ region: Region) -> String { RegionNames.name(of: region.name, in: "ja") }

    /// 「東京リージョン (ap-northeast-1)」: the usual way to write it, and no nested brackets in sentences.
    func regionTitle(_ region: Region) -> String {
        let name = regionName(region)
        return name == region.name ? region.name : "\(name)リージョン (\(region.name))"
    }
    func role(isPrimary: Bool) -> String { isPrimary ? "プライマリリージョン" : "追加リージョン" }

    var whenToUseHeading: String { "URL の使い分け" }

    func whenToUse(_ model: GuideModel) -> [String] {
        if let start = model.startURL { return whenToUse(model, startURL: start) }
        var items: [String] = []
        let primary = regionTitle(model.primaryRegion)
        if let url = model.primary?.recommended?.url {
            items.append("通常時: Okta ダッシュボードの「AWS IAM Identity Center」タイルからサインインするか、プライマリリージョンである\(primary) のアクセスポータル <\(url)> を開いてください。")
        } else {
            items.append("通常時: Okta ダッシュボードの「AWS IAM Identity Center」タイルからサインインしてください。")
        }
        let fallbacks = model.additional.compactMap { region in region.recommended?.url.map { (region, $0) } }
        if fallbacks.isEmpty {
            items.append("URL の分かっている追加リージョンがまだないため、\(primary) の障害時に切り替えられるアクセスポータルはありません。")
        } else {
            let list = fallbacks.map { "\(regionTitle($0.0.region)) は <\($0.1)>" }.joined(separator: "、")
            items.append("\(primary) の障害時: 追加リージョンのアクセスポータルを開いてください。\(list) です。サインインはいつもどおり Okta で行い、同じ AWS アカウントに同じ許可セットでアクセスできます。")
            items.append("Okta ダッシュボードのタイルはプライマリリージョン経由でサインインするため、\(primary) の障害中は使えません。追加リージョンのアクセスポータルは、障害が起きてからではなく今のうちにブックマークしておいてください。")
        }
        items.append("代替 IPv4 とデュアルスタックは同じアクセスポータルに接続します。通常は代替 IPv4 の URL を使ってください。デュアルスタックの URL は IPv4 と IPv6 のどちらでも接続できます。")
        return items
    }

    private func whenToUse(_ model: GuideModel, startURL: String) -> [String] {
        let primary = regionTitle(model.primaryRegion)
        var items = ["まず自社ドメインのスタート URL <\(startURL)> を開いてください。正常に稼働しているリージョンのアクセスポータルに転送されるため、通常時も\(primary) の障害時も同じ URL で使えます。"]
        if let url = model.primary?.recommended?.url {
            items.append("スタート URL が開けない場合は、リージョンごとのアクセスポータルを代わりに使ってください。通常時はプライマリリージョンである\(primary) のアクセスポータル <\(url)> です。")
        } else {
            items.append("スタート URL が開けない場合は、リージョンごとのアクセスポータル (下記) を代わりに使ってください。")
        }
        let fallbacks = model.additional.compactMap { region in region.recommended?.url.map { (region, $0) } }
        if fallbacks.isEmpty {
            items.append("URL の分かっている追加リージョンがまだないため、\(primary) の障害時に切り替えられるリージョンのアクセスポータルはありません。")
        } else {
            let list = fallbacks.map { "\(regionTitle($0.0.region)) は <\($0.1)>" }.joined(separator: "、")
            items.append("\(primary) の障害時にスタート URL が開けない場合は、追加リージョンのアクセスポータルを開いてください。\(list) です。サインインはいつもどおり Okta で行い、同じ AWS アカウントに同じ許可セットでアクセスできます。")
        }
        let bookmarks = fallbacks.isEmpty ? "スタート URL" : "スタート URL と追加リージョンのアクセスポータル"
        items.append("Okta ダッシュボードの「AWS IAM Identity Center」タイルはプライマリリージョン経由でサインインするため、\(primary) の障害中は使えません。\(bookmarks)は、障害が起きてからではなく今のうちにブックマークしておいてください。")
        items.append("代替 IPv4 とデュアルスタックは同じアクセスポータルに接続します。通常は代替 IPv4 の URL を使ってください。デュアルスタックの URL は IPv4 と IPv6 のどちらでも接続できます。")
        return items
    }

    var startURLHeading: String { "自社ドメインのスタート URL" }

    func startURLExplanation(_ model: GuideModel) -> String {
        "自社ドメインで用意した AWS アクセスポータルの入口です。通常時も障害時も、正常に稼働しているリージョンのアクセスポータルに転送されます。転送後のアドレスバーにはそのリージョンの URL が表示されますが、ブックマークするのは転送後のページではなく、このスタート URL にしてください。"
    }

    var fallbackIntro: String { "スタート URL が開けない場合は、以下の URL を代わりに使ってください。" }

    var portalsHeading: String { "リージョンごとのアクセスポータル URL" }
    var openLabel: String { "開く URL" }
    var columnURL: String { "URL" }
    var columnVariant: String { "種類" }
    var columnStatus: String { "このリージョンで使えるか" }
    var columnWhy: String { "理由・使う場面" }
    var noURL: String { "(不明)" }

    func variantName(_ variant: URLVariant) -> String {
        switch variant {
        case .portalClassic: "標準のスタート URL"
        case .portalAlias: "カスタムエイリアス"
        case .portalAlternateIPv4, .acsAlternateIPv4: "代替 IPv4"
        case .portalDualStack, .acsDualStack: "デュアルスタック"
        case .acsIPv4: "IPv4"
        }
    }

    func status(_ status: URLEntry.Status) -> String {
        switch status {
        case .works: "使えます"
        case .doesNotWork: "使えません"
        case .unknown: "不明"
        }
    }

    func explanation(_ entry: URLEntry, isPrimary: Bool, model: GuideModel) -> String {
        let primary = regionTitle(model.primaryRegion)
        switch (entry.status, entry.reason) {
        case (.works, _):
            switch entry.variant {
            case .portalClassic: return "プライマリリージョンのアクセスポータルです。通常時はこちらを使います。"
            case .portalAlias: return "組織のエイリアスで開くプライマリリージョンのアクセスポータルです。通常時はこちらを使います。"
            case .portalAlternateIPv4:
                return isPrimary ? "このリージョン自身のアクセスポータル (IPv4) です。" : "このリージョンのアクセスポータル (IPv4) です。\(primary) の障害時に使います。"
            case .portalDualStack:
                return isPrimary ? "このリージョン自身のアクセスポータル (IPv4/IPv6) です。" : "このリージョンのアクセスポータル (IPv4/IPv6) です。\(primary) の障害時に使います。"
            default: return "このリージョンで使えます。"
            }
        case (_, .primaryOnly?): return "プライマリリージョンである\(primary) でのみ使えます。"
        case (_, .aliasNotSet?): return "アクセスポータルのカスタムエイリアスが設定されていません。"
        case (_, .undocumentedInPartition?): return "パーティション \(model.partition.rawValue) でのホスト名が AWS のドキュメントに記載されていません。AWS の管理者に確認してください。"
        case (_, .missingInstanceArn?), (_, .missingIdentityStoreId?), (_, .missingTenantId?):
            return "URL の組み立てに必要な識別子が idcsync の設定にありません。AWS の管理者に確認してください。"
        default: return "このインスタンスでは使いません。"
        }
    }

    var noWorkingPortal: String { "このリージョンで使えるアクセスポータル URL は分かっていません。" }

    var limitsHeading: String { "プライマリリージョンの障害中にできないこと" }

    func limits(_ model: GuideModel) -> [String] {
        let primary = regionTitle(model.primaryRegion)
        return [
            "サインイン、アクセスポータル、割り当て済みの AWS アカウントと許可セットの利用は、どのリージョンでもできます。",
            "管理操作はプライマリリージョンである\(primary) でしかできません。許可セット、アカウントの割り当て、ID ソースと SAML の設定、リージョンや KMS キーの変更は、障害の復旧後に行ってください。",
            "Okta からの SCIM プロビジョニングは、プライマリリージョン経由でのみ AWS に反映されます。障害中に Okta で追加・変更・削除したユーザーやグループは、\(primary) が復旧するまで AWS に反映されません。復旧後に Okta から再度プッシュが必要になる場合があります。",
            "AWS CLI のサインインはリージョンごとに必要です。あるリージョンで取得したトークンは、ほかのリージョンでは使えません (下記参照)。",
        ]
    }

    var cliHeading: String { "AWS CLI でのサインイン" }

    func cliIntro(configFile: String) -> [String] {
        [
            "AWS CLI のトークンはリージョン間で共有されないため、使うリージョンごとにサインインが必要です。`\(configFile)` の内容を `~/.aws/config` に追記し、各プロファイルの `sso_account_id` と `sso_role_name` を記入してください。",
            "リージョンごとに `aws sso login --sso-session idcsync-REGION` でサインインし、コマンドには `--profile idcsync-REGION` を付けて実行します。",
        ]
    }

    func cliOutage(_ model: GuideModel) -> String? {
        guard let fallback = model.additional.first(where: { $0.recommended != nil }) else { return nil }
        if model.startURL != nil {
            return "\(regionTitle(model.primaryRegion)) の障害時も、`aws sso login --sso-session \(GuideModel.startURLSessionName)` で正常なリージョンにサインインできます。サインインできない場合は、追加リージョンで改めてサインインし (例: `aws sso login --sso-session \(fallback.sessionName)`)、そのリージョンのプロファイルを使ってください。"
        }
        return "\(regionTitle(model.primaryRegion)) の障害時は、追加リージョンで改めてサインインし (例: `aws sso login --sso-session \(fallback.sessionName)`)、そのリージョンのプロファイルを使ってください。"
    }

    func cliStartURL(_ model: GuideModel) -> String? {
        guard model.startURL != nil else { return nil }
        return "`\(GuideModel.startURLSessionName)` のセッションは自社ドメインのスタート URL でサインインします。AWS CLI v2 \(model.startURLMinimumCLIVersion) 以降が必要です。AWS CLI はスタート URL の転送先である正常なリージョンでサインインし、そのリージョンを `sso_region` に書き込みます。これより古い AWS CLI を使っている場合や、スタート URL が開けない場合は、リージョンごとのセッションを使ってください。"
    }

    var bookmarkFolder: String { "AWS アクセスポータル (idcsync)" }
    var startURLBookmarkTitle: String { "AWS アクセスポータル – 自社ドメインのスタート URL – 正常なリージョンに接続" }

    func bookmarkTitle(_ entry: URLEntry, region: GuideRegion) -> String {
        let role = region.isPrimary ? "プライマリ" : "障害時用"
        return "AWS \(regionTitle(region.region)) – \(variantName(entry.variant)) – \(role)"
    }
}
