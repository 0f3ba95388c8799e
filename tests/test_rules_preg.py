"""PHP's regular expressions where the regex module differs from PCRE: the ungreedy option (the U modifier and
(?U) inside a pattern), \\Q...\\E quoting and a brace that is no quantifier. Each row is what PHP 8.2.36's
preg_match($pattern, $subject, $m) gave (PCRE2 10.42): its result and $m[0]."""

import pytest

from osticket_bridge.osticket.rules.preg import compile_pattern, preg_match

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
]


@pytest.mark.parametrize(("pattern", "subject", "result", "matched"), PHP)
def test_a_pattern_matches_what_phps_preg_match_matches(pattern, subject, result, matched):
    assert preg_match(pattern, subject) == result
    found = compile_pattern(pattern).search(subject)
    assert (found.group() if found else None) == matched


def test_a_group_scopes_the_ungreedy_option_as_pcre_does():
    # PHP: preg_match('/(a+(?U)a+)a+/', 'aaaaaa', $m) puts "aaaaa" in $m[1]: (?U) ends with its group
    assert compile_pattern("/(a+(?U)a+)a+/").search("aaaaaa").group(1) == "aaaaa"
