// Each escaper on hand-written hostile strings, with the exact output expected: what the
// reader sees must be the text that was in the file, and nothing in it may be live.
#include "stratbench/reports/escape.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sb {
namespace {

using Cases = std::vector<std::pair<std::string, std::string>>;

void check(std::string (*escape)(std::string_view), const Cases& cases) {
  for (const auto& [in, want] : cases) EXPECT_EQ(escape(in), want) << "input: " << terminal_text(in);
}

const std::string zwsp = "&#8203;";  // what markdown_text puts where GitHub would link

TEST(Escape, MarkdownText) {
  check(markdown_text, {
                           {"[click](https://x)", "\\[click\\](https:" + zwsp + "//x)"},
                           {"![img](https://x/y.png)", "!\\[img\\](https:" + zwsp + "//x/y.png)"},
                           {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
                           {"``` `x` ```", "\\`\\`\\` \\`x\\` \\`\\`\\`"},
                           {"a|b\nc", "a\\|b c"},
                           {"a\r\nb\tc", "a  b c"},
                           {"\x1b[31mred\x1b[0m\x07", "\\x1b\\[31mred\\x1b\\[0m\\x07"},
                           {"\xc2\x9b"
                            "6n",
                            "\\u009b6n"},
                           {"\xff", "\\xff"},
                           {"=HYPERLINK(\"http://x\",\"y\")", "=HYPERLINK(\"http:" + zwsp + "//x\",\"y\")"},
                           {"+1", "+1"},
                           {"-2", "-2"},
                           {"@3", "@" + zwsp + "3"},
                           {"@octocat", "@" + zwsp + "octocat"},
                           {"@org/team", "@" + zwsp + "org/team"},
                           {"mail me@example.com", "mail me@" + zwsp + "example.com"},
                           {"#123", "\\#" + zwsp + "123"},
                           {"owner/repo#7", "owner/repo\\#" + zwsp + "7"},
                           {"GH-12 gh-3 GH-x", "GH-" + zwsp + "12 gh-" + zwsp + "3 GH-x"},
                           {"#tag", "\\#tag"},
                           {"**bold** _it_ ~~del~~", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~del\\~\\~"},
                           {"<https://x>", "&lt;https:" + zwsp + "//x&gt;"},
                           {"see www.example.com", "see www" + zwsp + ".example.com"},
                           {"$x^2$ and \\", "\\$x^2\\$ and \\\\"},
                           {"&#64;octocat &lt;", "&amp;\\#" + zwsp + "64;octocat &amp;lt;"},
                           // Our own words and ordinary names are unchanged.
                           {"blocked+simd k=256,m=256,n=256", "blocked+simd k=256,m=256,n=256"},
                           {"2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z"},
                           {"— × 漢字 😀", "— × 漢字 😀"},
                       });
}

TEST(Escape, MarkdownCodeSpan) {
  check(markdown_code_span,
        {
            {"stratbench run -w gemm", "`stratbench run -w gemm`"},
            {"a`b", "``a`b``"},
            {"``` `x` ```", "```` ``` `x` ``` ````"},
            {"`", "`` ` ``"},
            {" x", "`  x `"},
            {"  ", "`  `"},
            {"a\nb\r\tc", "`a b  c`"},
            {"\x1b[31m\xc2\x9b\xff", "`\\x1b[31m\\u009b\\xff`"},
            {"<img src=x> [a](b) @octocat #1", "`<img src=x> [a](b) @octocat #1`"},  // nothing is live in a code span
            {"", ""},
        });
}

TEST(Escape, CsvField) {
  check(csv_field, {
                       {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
                       {"+1", "'+1"},
                       {"-2", "'-2"},
                       {"@3", "'@3"},
                       {"@octocat", "'@octocat"},
                       {"\tx", "'\tx"},
                       {"\rx", "\"'\rx\""},
                       {"=1,2", "\"'=1,2\""},
                       {"a=1", "a=1"},  // only the first character starts a formula
                       {"plain", "plain"},
                       {"a,b", "\"a,b\""},
                       {"say \"hi\"", "\"say \"\"hi\"\"\""},
                       {"line\nbreak", "\"line\nbreak\""},
                       {"\x1b[31mred\x1b[0m\x07", "\\x1b[31mred\\x1b[0m\\x07"},
                       {"\xc2\x9b"
                        "6n",
                        "\\u009b6n"},
                       {"\xff", "\\xff"},
                       {"[click](https://x)", "[click](https://x)"},
                       {"<script>alert(1)</script>", "<script>alert(1)</script>"},
                       {"— 漢字", "— 漢字"},
                       {"", ""},
                   });
}

TEST(Escape, TerminalText) {
  check(terminal_text,
        {
            {"\x1b[31mred\x1b[0m\x07", "\\x1b[31mred\\x1b[0m\\x07"},
            {"\xc2\x9b"
             "2J",
             "\\u009b2J"},
            {"\xc2\x80\xc2\x9f", "\\u0080\\u009f"},
            {"\xff", "\\xff"},
            {"a\nb\rc\td\be\x7f", "a\\nb\\rc\\td\\x08e\\x7f"},
            {"a|b\nc", "a|b\\nc"},
            // An OSC 8 hyperlink.
            {"\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\", "\\x1b]8;;https://x\\x1b\\link\\x1b]8;;\\x1b\\"},
            // Not UTF-8: an overlong '/', a surrogate, a cut sequence, a byte past U+10FFFF.
            {"\xc0\xaf", "\\xc0\\xaf"},
            {"\xed\xa0\x80", "\\xed\\xa0\\x80"},
            {"\xe2\x80", "\\xe2\\x80"},
            {"\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},
            // Valid UTF-8 stays: a no-break space (U+00A0, right after the C1 range), dashes, CJK, emoji.
            {"\xc2\xa0— × 漢字 😀", "\xc2\xa0— × 漢字 😀"},
            {"[click](https://x) <script> @octocat #123 =1", "[click](https://x) <script> @octocat #123 =1"},
            {"", ""},
        });
}

TEST(Escape, Html) {
  check(html_escape,
        {
            {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
            {"<a href='x' title=\"y\">&amp;</a>", "&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;amp;&lt;/a&gt;"},
            {"[click](https://x) — 漢字", "[click](https://x) — 漢字"},
            {"\x1b[31m\x07\t\n\r\x7f", "&#xFFFD;[31m&#xFFFD;\t\n\r&#xFFFD;"},
        });
}

TEST(Escape, XmlIsUnchanged) {
  check(xml_escape, {
                        {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
                        {"a='b' & \"c\"", "a=&apos;b&apos; &amp; &quot;c&quot;"},
                        {"\x1b[31m\x07\t\n\r", "?[31m?\t\n\r"},
                        {"— 漢字", "— 漢字"},
                    });
}

}  // namespace
}  // namespace sb
