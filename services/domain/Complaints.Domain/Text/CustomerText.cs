using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace Complaints.Domain.Text;

/// <summary>
/// Text as customers and agents type it, folded to one form before any phrase is looked for:
/// Unicode compatibility forms (NFKC: full-width letters, digits and punctuation become ordinary
/// ones), zero-width characters removed, curly quotes and apostrophes straightened, Traditional
/// Chinese characters folded to Simplified, lower case, runs of spaces made one.
/// </summary>
public static class CustomerText
{
    public static string Normalize(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC);
        var result = new StringBuilder(folded.Length);
        var lastWasSpace = false;
        foreach (var c in folded)
        {
            switch (c)
            {
                case '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD':
                    continue;
                case '\u2018' or '\u2019' or '\u201B' or '\u2032' or '`':
                    Append('\'');
                    continue;
                case '\u201C' or '\u201D' or '\u201F' or '\u2033' or '\u300C' or '\u300D':
                    Append('"');
                    continue;
            }
            if (char.IsWhiteSpace(c))
            {
                if (!lastWasSpace && result.Length > 0) result.Append(' ');
                lastWasSpace = true;
                continue;
            }
            Append(TraditionalToSimplified.TryGetValue(c, out var simplified) ? simplified : char.ToLowerInvariant(c));
        }
        return result.ToString().TrimEnd();

        void Append(char c)
        {
            result.Append(c);
            lastWasSpace = false;
        }
    }

    /// <summary>The normalized text without spaces or punctuation: how Chinese phrases are compared ("一分钱，一分货" = "一分钱一分货").</summary>
    public static string Compact(string normalized)
    {
        var result = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
            if (!char.IsWhiteSpace(c) && !char.IsPunctuation(c) && !char.IsSymbol(c)) result.Append(c);
        return result.ToString();
    }

    /// <summary>True when the text has a character written differently in Traditional script (這, 們, 錢…).</summary>
    public static bool HasTraditionalScript(string text) => text.Any(TraditionalToSimplified.ContainsKey);

    /// <summary>True when the text has a Latin letter: such phrases are matched as whole words.</summary>
    public static bool IsLatin(string phrase) => phrase.Any(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z');

    /// <summary>
    /// A phrase to look for. Latin phrases match whole words ("fee" is not in "feel", "sue" not in
    /// "issue"); a trailing * makes the last word a prefix ("overcharg*": overcharged, overcharging).
    /// Chinese phrases match anywhere, ignoring spaces and punctuation.
    /// </summary>
    public sealed class Phrase
    {
        private readonly Regex? latin;
        private readonly string compact = "";
        private readonly string punctuation = "";

        /// <summary>Each of these texts as a phrase (configured keyword lists, compiled once by their owner).</summary>
        public static IReadOnlyList<Phrase> All(IEnumerable<string> texts) => texts.Select(t => new Phrase(t)).ToList();

        public Phrase(string text)
        {
            Text = text;
            var normalized = Normalize(text);
            Folded = Compact(normalized);
            if (IsLatin(normalized))
            {
                var prefix = normalized.EndsWith('*');
                var words = normalized.TrimEnd('*').Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape);
                latin = new Regex(@"(?<![a-z0-9])" + string.Join(@"\s+", words) + (prefix ? "" : @"(?![a-z0-9])"),
                    RegexOptions.CultureInvariant | RegexOptions.Compiled);
            }
            else
            {
                compact = Compact(normalized);
                // Punctuation alone ("!!!") is matched as written, on the normalized text.
                if (compact.Length == 0) punctuation = normalized.Trim();
            }
        }

        /// <summary>The phrase as configured.</summary>
        public string Text { get; }

        /// <summary>The phrase folded and compacted: one phrase inside another is the same finding.</summary>
        public string Folded { get; }

        /// <param name="normalized">The text after <see cref="Normalize"/>.</param>
        /// <param name="compacted">The same after <see cref="Compact"/>.</param>
        public bool IsIn(string normalized, string compacted) =>
            latin?.IsMatch(normalized)
            ?? (compact.Length > 0
                ? compacted.Contains(compact, StringComparison.Ordinal)
                : punctuation.Length > 0 && normalized.Contains(punctuation, StringComparison.Ordinal));

        /// <summary>Latin: matched as words in the normalized text; otherwise in the compacted text.</summary>
        public bool IsLatinPhrase => latin is not null;

        /// <summary>Where the phrase first occurs (in the normalized text if Latin, else in the compacted text), or -1.</summary>
        public int IndexIn(string normalized, string compacted) =>
            latin is not null
                ? latin.Match(normalized) is { Success: true } m ? m.Index : -1
                : compact.Length > 0 ? compacted.IndexOf(compact, StringComparison.Ordinal) : -1;
        // (Punctuation-only phrases have no place in the compacted text; nothing negates them.)
    }

    // Traditional characters that complaints, forbidden phrases and triage keywords use, with their
    // Simplified forms. Not a full converter (that would be OpenCC's tables); grow it as text needs.
    private const string Pairs =
        "兩两 內内 溝沟 術术 訓训 設设 計计 類类 統统 項项 級级 況况 狀状 壓压 輪轮 獨独 鬥斗 衝冲 環环 節节 邊边 選选 擇择 嚴严 懶懒 惱恼 聲声 響响 鐵铁 鋼钢 貼贴 斷断 壽寿 練练 習习 絕绝 繼继 續续 終终 於于 處处 齡龄 竊窃 騙骗 詐诈 盜盗 偽伪 濫滥 顧顾 擔担 憂忧 慮虑 嚇吓 驚惊 險险 壞坏 亂乱 劃划 欄栏 檔档 雜杂 雙双 憑凭 麼么 麵面 鋪铺 舖铺 " +
        "這这 們们 責责 錯错 盡尽 處处 門门 規规 則则 見见 過过 個个 問问 題题 氣气 樣样 沒没 麼么 說说 話话 會会 時时 間间 後后 " +
        "還还 來来 對对 經经 應应 該该 給给 電电 錢钱 貨货 種种 聯联 絡络 開开 關关 無无 與与 為为 從从 員员 務务 當当 認认 讓让 " +
        "謝谢 請请 難难 買买 賣卖 壞坏 換换 質质 費费 帳账 單单 號号 碼码 銀银 險险 訴诉 監监 達达 據据 歡欢 實实 際际 現现 發发 " +
        "嗎吗 幾几 萬万 億亿 塊块 報报 紙纸 視视 體体 記记 網网 師师 訟讼 傷伤 燒烧 觸触 滅灭 殺杀 離离 辦办 導导 產产 廠厂 戶户 " +
        "決决 歲岁 兒儿 連连 聽听 讀读 書书 寫写 語语 誤误 誰谁 總总 頭头 東东 車车 傳传 復复 複复 參参 並并 剛刚 纔才 態态 惡恶 " +
        "罵骂 煩烦 隱隐 資资 訊讯 洩泄 賠赔 償偿 補补 遞递 運运 維维 議议 準准 確确 證证 櫃柜 檯台 隊队 續续 瑣琐 憤愤 慘惨 損损 " +
        "額额 熱热 協协 調调 罰罚 災灾 燙烫 裡里 裏里 麵面 線线 歷历 曆历 舊旧 鐘钟 錶表 點点 鬧闹 須须 禮礼 專专 業业 負负 進进 " +
        "備备 註注 週周 約约 閱阅 標标 識识 機机 構构 醫医 療疗 藥药 衛卫 屬属 緊紧 順顺 遲迟 訂订 購购 價价 幣币 圓圆 領领 營营 " +
        "職职 稱称 節节 紀纪 錄录 驗验 權权 齊齐 閉闭 啟启 動动 勢势 戲戏 樂乐 愛爱 燈灯 飯饭 館馆 鎖锁 鑰钥 廳厅 樓楼 層层 " +
        "丟丢 倉仓 優优 兌兑 別别 區区 卻却 唸念 場场 墊垫 夠够 張张 強强 徑径 擠挤 數数 條条 檢检 殼壳 測测 滾滚 煙烟 爐炉 眾众 " +
        "積积 筆笔 簽签 簾帘 籤签 結结 編编 聞闻 脹胀 腳脚 臉脸 舉举 虧亏 螢萤 裝装 覺觉 託托 評评 詢询 講讲 護护 財财 貸贷 輩辈 " +
        "轉转 鄰邻 釋释 鈕钮 銷销 鍋锅 長长 頁页 顯显 風风 馬马 鬆松 幫帮 庫库 廢废 掛挂 撥拨 樁桩 著着 擾扰 悶闷 鬱郁 擋挡 頓顿 " +
        "壓压 縮缩 漲涨 廣广 訪访 檔档 陽阳 陰阴 橋桥 嗎吗 滿满 穩稳 擊击 創创 範范 圍围 億亿 " +
        // More pairs that complaints use (written by hand, checked against the Simplified forms).
        "刪删 絲丝 齒齿 嚨咙 顆颗 輛辆 駛驶 噴喷 濕湿 爛烂 紅红 綠绿 黃黄 藍蓝 顏颜 圖图 畫画 謊谎 贏赢 窩窝 牆墙 廁厕 廚厨 溫温 盤盘 飲饮 餵喂 餅饼 糧粮 腫肿 癢痒 膚肤 腦脑 臟脏 腸肠 頸颈 脫脱 針针 織织 誌志 儲储 匯汇 貴贵 賤贱 稅税 郵邮 閥阀 滲渗 濾滤 潔洁 淨净 髒脏 彈弹 縫缝 剎刹 鏈链 鋁铝 銅铜 凍冻 階阶 債债 賺赚 細细 諷讽 尷尴 誇夸 蠻蛮 橫横 緩缓 擱搁 趕赶 審审 許许 搖摇 擺摆 騷骚 麗丽 懼惧 繫系 倆俩 學学 贈赠 獎奖 劵券 鈔钞 厭厌 談谈 輕轻 擁拥 攤摊 搶抢 撿捡 拋抛 賊贼 綁绑 闖闯 囉啰 媽妈 孫孙 嬰婴 殘残 診诊 飛飞 艙舱 蓋盖 賬账 餘余 僅仅 謂谓 罷罢 爭争 諾诺 違违 帶带 觀观 覽览 鏡镜 頰颊 髮发 鬍胡 膽胆 膠胶 冊册 謬谬 譯译 變变 遷迁 遠远 縣县 鄉乡 鎮镇 莊庄 園园 團团 陣阵 陸陆 隨随 雞鸡 鴨鸭 鵝鹅 魚鱼 蝦虾 蟲虫 螞蚂 蟻蚁 貓猫 豬猪 驢驴 騎骑 駕驾 驅驱 麥麦 黴霉 龍龙 龜龟 ";

    private static readonly FrozenDictionary<char, char> TraditionalToSimplified = BuildMap();

    private static FrozenDictionary<char, char> BuildMap()
    {
        var map = new Dictionary<char, char>();
        foreach (var pair in Pairs.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.Length != 2) throw new InvalidOperationException($"\"{pair}\" is not a Traditional-Simplified pair");
            map.TryAdd(pair[0], pair[1]);
        }
        return map.ToFrozenDictionary();
    }

}
