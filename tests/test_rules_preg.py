"""PHP's regular expressions where the regex module differs from PCRE: the ungreedy option (the U modifier and
(?U) inside a pattern), \\Q...\\E quoting, a brace that is no quantifier, code point and control character
escapes, \\g and \\k references, (?^) and lookbehind. Each row is what PHP 8.2.36's
preg_match($pattern, $subject, $m) gave (PCRE2 10.42): its result and $m[0], or false (PHP_REFUSES)."""

import pytest

from osticket_bridge.osticket.rules.preg import PatternError, compile_pattern, preg_match

PHP = [
    ("/<b>.*<\\/b>/U", "<b>x</b> and <b>y</b>", 1, "<b>x</b>"),
    ("/<b>.*?<\\/b>/U", "<b>x</b> and <b>y</b>", 1, "<b>x</b> and <b>y</b>"),
    ("/a+/U", "aaa", 1, "a"),
    ("/a*+/U", "aaa", 1, "aaa"),  # possessive stays possessive
    ("/a?/U", "a", 1, ""),
    ("/a??/U", "a", 1, "a"),
    ("/a{2,}/U", "aaaa", 1, "aa"),
    ("/a{2,}?/U", "aaaa", 1, "aaaa"),
    ("/a{2,3}/U", "aaaa", 1, "aa"),
    ("/a{,3}/U", "a{,3}", 1, "a{,3}"),  # not a quantifier in PCRE 10.42: literal braces
    ("/a{x}/U", "a{x}", 1, "a{x}"),
    ("/[*+?]+/U", "*+?", 1, "*"),  # inside a class they are members
    ("/[]a*]+/U", "]a*", 1, "]"),
    ("/[^]x]+/U", "ab]", 1, "a"),
    ("/[[:alpha:]*]+/U", "ab*c", 1, "a"),
    ("/\\*+/U", "***", 1, "*"),
    ("/\\p{L}+/uU", "abc", 1, "a"),
    ("/\\Qa*\\E+/U", "a*a*", 1, "a*"),
    ("/\\Q(x\\E/", "(x", 1, "(x"),
    ("/\\Qx.y/", "x.y", 1, "x.y"),
    ("/(?:ab)+/U", "ababab", 1, "ab"),
    ("/(?<n>a+)b/U", "aab", 1, "aab"),
    ("/(?#a*)b+/U", "bbb", 1, "b"),
    ("/ a+ # a*[ \n b*/xU", "aabbb", 1, "a"),  # an extended comment holds no quantifier
    ("/a* ?/xU", "aaa", 1, "aaa"),  # extended: the ? after a space still swaps back
    ("/^(?>a+)b$/U", "aab", 0, None),  # an atomic group keeps its lazy choice: no match at all
    ("/^(?>a+)b$/", "aab", 1, "aab"),
    ("/^(?=(a+))\\1$/U", "aa", 0, None),
    ("/^(?=(a+))\\1$/", "aa", 1, "aa"),
    ("/^(?>a+?)b$/U", "aab", 1, "aab"),
    ("/\\d+-\\d+/U", "12-34", 1, "12-3"),
    ("/^.*$/mU", "ab\ncd", 1, "ab"),
    ("/(?i)A+/U", "aaa", 1, "a"),
    ("/(*FAIL)|a+/U", "aa", 1, "a"),
    ("/(a)(?+1)?(b)/U", "abb", 1, "ab"),
    ("/(?U)a+/", "aaa", 1, "a"),
    ("/(?U)a+(?-U)a+/", "aaaa", 1, "aaaa"),
    ("/(?U:a+)a+/", "aaaa", 1, "aaaa"),
    ("/(?-U)a+/U", "aaaa", 1, "aaaa"),
    ("/(?iU)A+/", "aaa", 1, "a"),
    ("/(?U-i:A+)/", "aaa", 0, None),
    ("/(?U)a{2,}+/", "aaaa", 1, "aaaa"),
    ("/(?x) a+ (?-x) a+/U", "aa aa", 1, "aa a"),
    ("/(?U:a+(?-U)a+)a+/", "aaaaa", 1, "aaaaa"),
    ("/[a-z]{2,}/U", "abcd", 1, "ab"),
    ("/\\Qa+\\E*x/U", "a+a+x", 1, "a+x"),
    ("/^(?>.*)x/U", "abcx", 0, None),
    ("/\\x{263a}/u", "a☺b", 1, "☺"),
    ("/\\x{41}+/", "xAAy", 1, "AA"),
    ("/[\\x{41}-\\x{43}]+/", "xABCD", 1, "ABC"),
    ("/\\cA/", "x\x01y", 1, "\x01"),
    ("/\\ca/", "x\x01y", 1, "\x01"),
    ("/[\\cA-\\cC]+/", "\x02\x03", 1, "\x02\x03"),
    ("/\\c1/", "q", 1, "q"),
    ("/\\c[/", "\x1b", 1, "\x1b"),
    ("/(a)\\g{1}/", "xaa", 1, "aa"),
    ("/(a)(b)\\g{-1}/", "abb", 1, "abb"),
    ("/(a)\\g1/", "aa", 1, "aa"),
    ("/(?<n>a)\\g{n}/", "aa", 1, "aa"),
    ("/(a)\\g<1>/", "aa", 1, "aa"),
    ("/(?<n>a)\\g<n>/", "aa", 1, "aa"),
    ("/(a)\\g-1/", "aa", 1, "aa"),
    ("/(?i)(?^)a/", "A", 0, None),
    ("/(?^i)a/", "A", 1, "A"),
    ("/(?i:(?^:a)A)/", "aA", 1, "aA"),
    ("/(?^)A/i", "a", 0, None),
    ("/(?^U)a+/", "aaa", 1, "a"),
    ("/(?^x) a/", " a", 1, "a"),
    ("/\\o{101}/", "A", 1, "A"),
    ("/\\o{101}+/", "AAx", 1, "AA"),
    ("/[\\o{101}-\\o{103}]+/", "ABCD", 1, "ABC"),
    ("/(?<=a|bc)x/", "bcx", 1, "x"),
    ("/(?<=a{2})x/", "aax", 1, "x"),
    ("/(?<=(a))\\1x/", "aax", 1, "ax"),
    ("/(?<=\\d{3}|[a-z])x/", "bx", 1, "x"),
    ("/(?<=(?:ab|cd))x/", "cdx", 1, "x"),
    ("/(?<=(?=ab*)a)x/", "ax", 1, "x"),
    ("/(?<=\\p{L}\\x{41})x/u", "bAx", 1, "x"),
    ("/(?<=[ab]\\.)x/", "a.x", 1, "x"),
    ("/(?<=a(?1))x(b)/", "abxb", 1, "xb"),
    ("/(?<=\\Qab\\E)x/", "abx", 1, "x"),
    ("/(?<=a\\K)x/", "ax", 1, "x"),
    ("/(?<=a(?#c*))x/", "ax", 1, "x"),
    ("/(?<=a.)x/s", "a\nx", 1, "x"),
    ("/(?<=\\b)x/", "x", 1, "x"),
    ("/(?U)(?^)a+/", "aaa", 1, "a"),
    ("/(?^)a+/U", "aaa", 1, "a"),
    ("/(?^)a b/x", "a b", 1, "a b"),
    ("/(?m)(?^)^b/", "a\nb", 0, None),
    ("/(?s)(?^)a.b/", "a\nb", 0, None),
    ("/\\N{U+41}/u", "A", 1, "A"),
    ("/(?^J)a/", "a", 1, "a"),
    ("/(a)\\g<-1>/", "aa", 1, "aa"),
    ("/(a)\\g'1'/", "aa", 1, "aa"),
    ("/(?<=a\\g{1})x(b)/", "abx", 0, None),
    ("/(?<=\\g<1>)x(b)/", "bx", 0, None),
    ("/(?<=\\x{41}\\o{102}\\cC\\x41\\101\\0)x/", "AB\x03AA\x00x", 1, "x"),
    ("/(?<=\\N)x/", "ax", 1, "x"),
    ("/(?<=\\\\)x/", "\\x", 1, "x"),
    ("/(?<=\\e\\t\\p{L}\\pL\\PL\\h\\V)x/", "\x1b\tbb1 ax", 1, "x"),
    ("/(?<=a{2}+)x/", "aax", 1, "x"),
    ("/(?<=(?i)ab)x/", "ABx", 1, "x"),
    ("/(?<=[a]{2,2})x/", "aax", 1, "x"),
    ("/a\\Z/", "a\n", 1, "a"),
    ("/a\\z/", "a\n", 0, None),
    ("/\\e\\E\\N+/", "\x1bx\n", 1, "\x1bx"),
    ("/[\\e\\v]+/", "\x1b\n\x0b", 1, "\x1b\n\x0b"),
    ("/\\v\\V\\H/", "\nab", 1, "\nab"),
    ("/(?J)(?<n>a)|(?<n>b)/", "b", 1, "b"),
]

PHP_REFUSES = [  # preg_match gave false: PCRE2 10.42 does not compile these
    ("/\\x{263a}/", "☺"),
    ("/(a)\\g{-2}/", "aa"),
    ("/(a)\\g2/", "aa"),
    ("/(a)\\g{n}/", "aa"),
    ("/(?^-i)a/", "a"),
    ("/\\o{9}/", "9"),
    ("/(?<=a+)x/", "aax"),
    ("/(?<=ab?)x/", "ax"),
    ("/(?<=a(?:b|cd))x/", "acdx"),
    ("/(?<=a{1,2})x/", "aax"),
    ("/(?<!dogs?|cats?)x/", "x"),
    ("/(?<=\\R)x/", "\nx"),
    ("/(?<=\\X)x/", "ax"),
    ("/(?<=a(?<=b*)c)x/", "acx"),
    ("/(?<=a|(?:b|cd))x/", "cdx"),
    ("/(?<= a + )x/x", "ax"),
    ("/(?<=a\\Rb)x/", "a\nbx"),
    ("/\\u0041/", "A"),
    ("/\\U/", "U"),
    ("/\\L/", "L"),
    ("/(?^n)(a)\\1/", "aa"),
    ("/\\x{}/", "a"),
    ("/\\x{zz}/", "a"),
    ("/\\cé/u", "a"),
    ("/\\c/", "a"),
    ("/\\g<-1>/", "a"),
    ("/(?<=a(?R))x/", "ax"),
]


@pytest.mark.parametrize(("pattern", "subject", "result", "matched"), PHP)
def test_a_pattern_matches_what_phps_preg_match_matches(pattern, subject, result, matched):
    assert preg_match(pattern, subject) == result
    found = compile_pattern(pattern).search(subject)
    assert (found.group() if found else None) == matched


@pytest.mark.parametrize(("pattern", "subject"), PHP_REFUSES)
def test_a_pattern_php_cannot_compile_is_an_error(pattern, subject):
    with pytest.raises(PatternError):
        preg_match(pattern, subject)


def test_a_group_scopes_the_ungreedy_option_as_pcre_does():
    # PHP: preg_match('/(a+(?U)a+)a+/', 'aaaaaa', $m) puts "aaaaa" in $m[1]: (?U) ends with its group
    assert compile_pattern("/(a+(?U)a+)a+/").search("aaaaaa").group(1) == "aaaaa"
