//! The hostile values of issue 12's acceptance suite (`tests/hostile.rs`, and the CLI's
//! `cli/tests/hostile.rs`): quotes, PowerShell syntax, control, format and invisible characters,
//! homoglyphs, Windows-1252 traps and long values, each with a short name for failure messages.

/// One hostile value with a short name for failure messages.
pub struct Payload {
    pub name: String,
    pub text: String,
}

/// The quote characters PowerShell knows, and characters that only look like quotes.
pub const QUOTES: [(char, &str); 16] = [
    ('\'', "apostrophe"),
    ('\u{2018}', "U+2018 left single quote"),
    ('\u{2019}', "U+2019 right single quote"),
    ('\u{201A}', "U+201A low single quote"),
    ('\u{201B}', "U+201B reversed single quote"),
    ('"', "double quote"),
    ('\u{201C}', "U+201C left double quote"),
    ('\u{201D}', "U+201D right double quote"),
    ('\u{201E}', "U+201E low double quote"),
    ('`', "backtick"),
    ('\u{FF07}', "U+FF07 fullwidth apostrophe"),
    ('\u{02BC}', "U+02BC modifier apostrophe"),
    ('\u{2032}', "U+2032 prime"),
    ('\u{FF02}', "U+FF02 fullwidth quote"),
    ('\u{275B}', "U+275B quote ornament"),
    ('\u{275C}', "U+275C quote ornament"),
];

/// PowerShell syntax that must stay inert inside a string.
pub const SYNTAX: [&str; 57] = [
    "$()",
    "$(Start-Process calc)",
    "@(1)",
    "@{a=1}",
    "${env:Path}",
    "$env:Path",
    "$_",
    "$true",
    "@splat",
    ";",
    "; Stop-Service MSExchangeTransport;",
    "|",
    "| Remove-ReceiveConnector",
    "||",
    "&",
    "& calc",
    "&&",
    ">",
    ">>",
    "2>&1",
    "<",
    "<#",
    "#>",
    "#",
    "# comment",
    ",",
    "{",
    "}",
    "(",
    ")",
    "--%",
    "--",
    "-Identity",
    "\u{2013}Identity",
    "\u{2014}",
    "\u{2015}",
    "``",
    "`n",
    "`0",
    "%",
    "::",
    "..",
    ".\\x",
    "[string]",
    "0x41",
    "1kb",
    "=",
    "+=",
    "!",
    "\\",
    "/",
    "~",
    "^",
    "*",
    "?",
    "[",
    "]",
];

/// Control characters and line breaks, by name.
pub const CONTROLS: [(&str, &str); 15] = [
    ("\r", "CR"),
    ("\n", "LF"),
    ("\r\n", "CRLF"),
    ("\u{2028}", "U+2028 line separator"),
    ("\u{2029}", "U+2029 paragraph separator"),
    ("\u{85}", "U+0085 next line"),
    ("\0", "NUL"),
    ("\u{7}", "BEL"),
    ("\u{1b}[2K\u{1b}[1A", "ESC erase line"),
    ("\u{7f}", "DEL"),
    ("\u{9b}", "U+009B CSI"),
    ("\u{b}", "vertical tab"),
    ("\u{c}", "form feed"),
    ("\t", "tab"),
    ("\u{1c}", "file separator"),
];

/// Format, bidirectional and invisible characters.
pub const INVISIBLE: [(char, &str); 34] = [
    ('\u{202A}', "LRE"),
    ('\u{202B}', "RLE"),
    ('\u{202C}', "PDF"),
    ('\u{202D}', "LRO"),
    ('\u{202E}', "RLO"),
    ('\u{2066}', "LRI"),
    ('\u{2067}', "RLI"),
    ('\u{2068}', "FSI"),
    ('\u{2069}', "PDI"),
    ('\u{200B}', "zero-width space"),
    ('\u{200C}', "ZWNJ"),
    ('\u{200D}', "ZWJ"),
    ('\u{200E}', "LRM"),
    ('\u{200F}', "RLM"),
    ('\u{061C}', "Arabic letter mark"),
    ('\u{2060}', "word joiner"),
    ('\u{2061}', "function application"),
    ('\u{2062}', "invisible times"),
    ('\u{2063}', "invisible separator"),
    ('\u{2064}', "invisible plus"),
    ('\u{FEFF}', "BOM"),
    ('\u{00AD}', "soft hyphen"),
    ('\u{180E}', "Mongolian vowel separator"),
    ('\u{115F}', "Hangul choseong filler"),
    ('\u{1160}', "Hangul jungseong filler"),
    ('\u{3164}', "Hangul filler"),
    ('\u{FFA0}', "halfwidth Hangul filler"),
    ('\u{E0001}', "tag LANGUAGE"),
    ('\u{E0020}', "tag space"),
    ('\u{E0041}', "tag A"),
    ('\u{E007F}', "cancel tag"),
    ('\u{1D173}', "musical begin beam"),
    ('\u{FFF9}', "interlinear annotation"),
    ('\u{FE0F}', "variation selector 16"),
];

/// Unassigned, private-use and noncharacter code points.
pub const UNASSIGNED: [(char, &str); 8] = [
    ('\u{0378}', "unassigned U+0378"),
    ('\u{E000}', "private use U+E000"),
    ('\u{F8FF}', "private use U+F8FF"),
    ('\u{F0000}', "private use plane 15"),
    ('\u{10FFFD}', "private use plane 16"),
    ('\u{FFFE}', "noncharacter U+FFFE"),
    ('\u{FFFF}', "noncharacter U+FFFF"),
    ('\u{1FFFF}', "noncharacter U+1FFFF"),
];

/// Letters and signs that look like others.
pub const HOMOGLYPHS: [(&str, &str); 15] = [
    ("D\u{0435}fault Frontend", "Cyrillic e"),
    ("\u{0415}\u{0425}01 Relay", "Cyrillic EX"),
    ("\u{03A1}elay", "Greek Rho"),
    ("\u{FF32}\u{FF25}\u{FF2C}\u{FF21}\u{FF39}", "fullwidth RELAY"),
    ("\u{1D411}\u{1D41E}\u{1D425}\u{1D41A}\u{1D432}", "mathematical bold Relay"),
    ("Relay\u{01C0}calc", "U+01C0 dental click as a bar"),
    ("Relay\u{FF1B}calc", "fullwidth semicolon"),
    ("Relay\u{FF04}\u{FF08}calc\u{FF09}", "fullwidth $()"),
    ("Relay\u{2215}x", "division slash"),
    ("Relay\u{29F5}x", "reverse solidus operator"),
    ("Relay\u{FE68}x", "small reverse solidus"),
    ("Relay\u{FF3C}x", "fullwidth backslash"),
    ("Relay\u{2010}x", "hyphen"),
    ("Relay\u{2212}x", "minus sign"),
    ("Relay\u{FE63}x", "small hyphen-minus"),
];

/// Characters whose UTF-8 bytes read as Windows-1252 hold a quote or a dash (issue 12.1).
pub const ANSI_TRAPS: [(&str, &str); 12] = [
    ("x\u{D1}$(Start-Process calc.exe)\u{D1}", "the issue's N tilde"),
    ("Relay \u{D1}", "N tilde (C3 91)"),
    ("Relay \u{D2}", "O grave (C3 92)"),
    ("Relay \u{D3}", "O acute (C3 93)"),
    ("Relay \u{D4}", "O circumflex (C3 94)"),
    ("Relay \u{C2}", "A circumflex (C3 82)"),
    ("Relay \u{411}", "Cyrillic Be (D0 91)"),
    ("Relay \u{451}", "Cyrillic io (D1 91)"),
    ("Relay \u{4E11}", "CJK (E4 B8 91)"),
    ("Relay \u{11E}", "G breve (C4 9E)"),
    ("Relay \u{2211}", "n-ary sum (E2 88 91)"),
    ("Relay \u{20AC}", "euro sign (E2 82 AC)"),
];

/// Every hostile value: generated from the lists above, plus values picked by hand.
pub fn payloads() -> Vec<Payload> {
    let mut out = Vec::new();
    let mut add = |name: String, text: String| out.push(Payload { name, text });
    for (q, name) in QUOTES {
        add(format!("{name} inside"), format!("O{q}Neil Relay"));
        add(format!("{name} at the start"), format!("{q}Relay"));
        add(format!("{name} at the end"), format!("Relay{q}"));
        add(format!("{name} doubled"), format!("Relay{q}{q}X"));
        add(format!("{name} closing the string"), format!("Relay{q}; Start-Process calc; {q}"));
    }
    for (q, name) in QUOTES.iter().take(10) {
        add(
            format!("{name} then an open relay"),
            format!(
                "x{q} | Set-ReceiveConnector -PermissionGroups AnonymousUsers -AuthMechanism ExternalAuthoritative #"
            ),
        );
        add(format!("{name} around a subexpression"), format!("x{q}+$(Start-Process calc)+{q}"));
    }
    for syntax in SYNTAX {
        add(format!("{syntax:?} inside"), format!("Relay {syntax} X"));
        add(format!("{syntax:?} at the end"), format!("Relay{syntax}"));
    }
    for (control, name) in CONTROLS {
        add(format!("{name} inside"), format!("Relay{control}X"));
    }
    add("LF then a command".into(), "Relay\nStart-Process calc".into());
    add("CRLF then a comment".into(), "Relay\r\n# comment".into());
    add("NEL then a command".into(), "Relay\u{85}; Start-Process calc".into());
    for (c, name) in INVISIBLE {
        add(format!("{name} inside"), format!("Relay{c}X"));
    }
    add("RLO spoofing an extension".into(), "Relay\u{202E}lmth.exe".into());
    add("isolates around a quote".into(), "Relay\u{2066}'; calc; '\u{2069}".into());
    add("ZWJ in an emoji".into(), "Relay \u{1F468}\u{200D}\u{1F4BB}".into());
    for (c, name) in UNASSIGNED {
        add(format!("{name} inside"), format!("Relay{c}X"));
    }
    for (text, name) in HOMOGLYPHS {
        add(format!("homoglyph: {name}"), text.into());
    }
    for (text, name) in ANSI_TRAPS {
        add(format!("Windows-1252 trap: {name}"), text.into());
    }
    for (c, name) in [
        ('\u{A0}', "no-break space"),
        ('\u{3000}', "ideographic space"),
        ('\u{2003}', "em space"),
        ('\u{200A}', "hair space"),
        ('\u{1680}', "ogham space"),
    ] {
        add(format!("{name} inside"), format!("Relay{c}X"));
    }
    add("two spaces".into(), "Relay  X".into());
    for (text, name) in [
        ("Partner, Fabrikam", "comma"),
        ("a+b", "plus"),
        ("a=b", "equals"),
        ("#2 Relay", "leading hash"),
        ("<Relay>", "angle brackets"),
        ("Relay\\Backslash", "backslash"),
    ] {
        add(format!("distinguished-name special: {name}"), text.into());
    }
    for (text, name) in [
        ("\u{DC}n\u{EF}c\u{F6}d\u{E9} Relay", "Latin accents"),
        ("\u{5E9}\u{5DC}\u{5D5}\u{5DD} Relay", "Hebrew"),
        ("\u{645}\u{631}\u{62D}\u{628}\u{627} Relay", "Arabic"),
        ("Relay \u{2709}\u{FE0F}", "emoji with variation selector"),
        ("Re\u{301}lay", "combining acute"),
        ("Relay \u{1F642}", "emoji"),
        ("$null", "$null"),
        ("''", "two apostrophes"),
        ("' '", "apostrophe space apostrophe"),
        ("O'Neil's \u{2018}Relay\u{2019} \u{201C}EX01\u{201D}", "mixed quotes"),
    ] {
        add(format!("other: {name}"), text.into());
    }
    add("10 KB of a".into(), "a".repeat(10 * 1024));
    add("10 KB of apostrophes".into(), format!("R{}", "'".repeat(10 * 1024)));
    add("10 KB of mixed syntax".into(), "\u{2019}$(calc)`;|".repeat(700));
    add("10 KB of Cyrillic".into(), "\u{414}".repeat(5 * 1024));
    add("10 KB of words".into(), format!("Relay{}", " x".repeat(5 * 1024)));
    add("10 KB with RLO".into(), format!("R{}", "\u{202E}a".repeat(3 * 1024)));
    out
}
