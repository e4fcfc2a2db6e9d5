import WatchlistCore
import Foundation
let n = Normalizer()
let t0 = Date()
_ = FoldTable.shared
print("table", Date().timeIntervalSince(t0), FoldTable.shared.scriptFolding)
for s in ["中國移動通信集團", "日本製鉄 日本製鐵 広州 廣州", "ｸﾞﾘｰ･ｴﾚｸﾄﾘｯｸ", "ＧＲＥＥ China-Mobile  Co., Ltd.", "Grе\u{200B}e Nestlé AT&T McDonald's", "TCL 科技 チャイナ・モバイル"] {
  print(s, "→", n.normalize(s).folded)
}
