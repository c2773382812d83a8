/// People know Regions by their location, not their code. Names as the AWS console shows them in
/// English and Japanese (the location part); an unknown Region falls back to its code.
public enum RegionNames {
    public static func name(of code: String, in language: String) -> String {
        guard let names = table[code] else { return code }
        return language == "ja" ? names.ja : names.en
    }

    public static let table: [String: (en: String, ja: String)] = [
        "af-south-1": ("Cape Town", "ケープタウン"),
        "ap-east-1": ("Hong Kong", "香港"),
        "ap-east-2": ("Taipei", "台北"),
        "ap-northeast-1": ("Tokyo", "東京"),
        "ap-northeast-2": ("Seoul", "ソウル"),
        "ap-northeast-3": ("Osaka", "大阪"),
        "ap-south-1": ("Mumbai", "ムンバイ"),
        "ap-south-2": ("Hyderabad", "ハイデラバード"),
        "ap-southeast-1": ("Singapore", "シンガポール"),
        "ap-southeast-2": ("Sydney", "シドニー"),
        "ap-southeast-3": ("Jakarta", "ジャカルタ"),
        "ap-southeast-4": ("Melbourne", "メルボルン"),
        "ap-southeast-5": ("Malaysia", "マレーシア"),
        "ap-southeast-6": ("New Zealand", "ニュージーランド"),
        "ap-southeast-7": ("Thailand", "タイ"),
        "ca-central-1": ("Canada Central", "カナダ中部"),
        "ca-west-1": ("Calgary", "カルガリー"),
        "eu-central-1": ("Frankfurt", "フランクフルト"),
        "eu-central-2": ("Zurich", "チューリッヒ"),
        "eu-north-1": ("Stockholm", "ストックホルム"),
        "eu-south-1": ("Milan", "ミラノ"),
        "eu-south-2": ("Spain", "スペイン"),
        "eu-west-1": ("Ireland", "アイルランド"),
        "eu-west-2": ("London", "ロンドン"),
        "eu-west-3": ("Paris", "パリ"),
        "il-central-1": ("Tel Aviv", "テルアビブ"),
        "me-central-1": ("UAE", "アラブ首長国連邦"),
        "me-south-1": ("Bahrain", "バーレーン"),
        "mx-central-1": ("Mexico Central", "メキシコ中部"),
        "sa-east-1": ("São Paulo", "サンパウロ"),
        "us-east-1": ("N. Virginia", "バージニア北部"),
        "us-east-2": ("Ohio", "オハイオ"),
        "us-west-1": ("N. California", "北カリフォルニア"),
        "us-west-2": ("Oregon", "オレゴン"),
        "cn-north-1": ("Beijing", "北京"),
        "cn-northwest-1": ("Ningxia", "寧夏"),
        "us-gov-east-1": ("GovCloud US-East", "GovCloud 米国東部"),
        "us-gov-west-1": ("GovCloud US-West", "GovCloud 米国西部"),
    ]
}
