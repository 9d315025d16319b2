//! A PowerShell tokenizer for tests, written from the Windows PowerShell Language Specification
//! 3.0 (chapter 2 "Lexical Structure" and appendix B.1 "Lexical grammar"), `about_Parsing`
//! (expression mode and argument mode) and `about_Quoting_Rules`, with the character classes
//! of PowerShell's own tokenizer (which code points are quotes, dashes, white space).
//!
//! It answers one question about a command hybridcheck prints: which characters are code and
//! which are the contents of string literals. It is not a parser: it tracks only what decides
//! how characters are grouped into tokens, namely whether a token starts a statement, is in
//! argument mode (after a command name) or in expression mode, and where groups `( )`, `$( )`,
//! `@( )`, `@{ }` and `{ }` open and close. What it cannot read becomes an `Error` token, so a
//! comparison of token lists fails rather than passes on text it does not understand.

use super::unicode::category;

/// The kinds of token, after the specification's B.1.4 "Tokens" (plus comments and new lines,
/// which the specification counts as input elements of their own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// B.1.1 new-line-character: CR, LF or CR LF; a statement terminator.
    NewLine,
    /// B.1.2 single-line-comment or delimited-comment.
    Comment,
    /// The first word of a command (B.1.7 generic-token in command-name position).
    CommandName,
    /// A generic-token in argument mode: a bare word, possibly with embedded strings or variables.
    Generic,
    /// B.1.8 command-parameter: `-Name` (any dash of B.1.2 `dash`).
    Parameter,
    /// B.1.6 variable: `$x`, `${x}`, `$_`, `$env:x`.
    Variable,
    /// B.1.6 variable with `@`: `@x` (splatting).
    Splat,
    /// B.1.9.3 verbatim-string-literal: single-quoted.
    Verbatim,
    /// B.1.9.3 verbatim-here-string-literal: `@'` ... `'@`.
    VerbatimHere,
    /// B.1.9.3 expandable-string-literal: double-quoted, expands `$x` and `$( )`.
    Expandable,
    /// B.1.9.3 expandable-here-string-literal: `@"` ... `"@`.
    ExpandableHere,
    /// B.1.9.1 and B.1.9.2 integer and real literals.
    Number,
    /// B.1.12 operators (`-like`, `=`, `+`, `..`, `&` as call operator, ...).
    Operator,
    /// B.1.12 punctuators: `( ) { } [ ] @( @{ $( ; , | || && .` and `::`.
    Punctuator,
    /// A member name after `.` or `::`.
    Member,
    /// B.1.11 type-literal: `[string]`.
    Type,
    /// B.1.5 keyword.
    Keyword,
    /// B.1.12 file-redirection-operator and merging-redirection-operator.
    Redirection,
    /// `--%`: the rest of the line is passed as it is.
    StopParsing,
    /// Text the tokenizer could not read (an unterminated string or comment, an unmatched closer).
    Error,
}

/// One token with its source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    /// The token's text as written.
    pub text: String,
    /// The value of a verbatim string (single quotes doubled back to one); `None` otherwise.
    pub value: Option<String>,
    /// True when white space, a new line, a comment or the start of the input precedes the
    /// token: in argument mode, tokens not separated by white space make one argument or none.
    pub spaced: bool,
}

impl Token {
    /// True for the string literals whose value is fixed text: verbatim strings and here-strings.
    pub fn is_verbatim(&self) -> bool {
        matches!(self.kind, Kind::Verbatim | Kind::VerbatimHere)
    }
}

/// B.1.1 new-line-character.
pub fn is_new_line(c: char) -> bool {
    c == '\r' || c == '\n'
}

/// B.1.3 whitespace: Unicode classes Zs, Zl and Zp, tab, vertical tab and form feed. PowerShell's
/// tokenizer (CharTraits.cs) also takes U+00A0 and U+0085 (NEXT LINE, a control character that
/// is white space to PowerShell, not a line end). The backtick line continuation is handled by
/// the tokenizer itself.
pub fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{0B}' | '\u{0C}' | '\u{A0}' | '\u{85}')
        || (u32::from(c) > 0xFF && matches!(category(c), "Zs" | "Zl" | "Zp"))
}

/// B.1.9.3 single-quote-character: `'` and U+2018, U+2019, U+201A, U+201B.
pub fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

/// B.1.9.3 double-quote-character: `"` and U+201C, U+201D, U+201E.
pub fn is_double_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}')
}

/// B.1.2 dash: `-` and U+2013, U+2014, U+2015.
pub fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2013}' | '\u{2014}' | '\u{2015}')
}

/// Letters of classes Lu, Ll, Lt, Lm and Lo (B.1.8 first-parameter-char without `_` and `?`).
fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && matches!(category(c), "Lu" | "Ll" | "Lt" | "Lm" | "Lo"))
}

/// B.1.6 variable-character: letters, decimal digits (Nd), `_` and `?`.
fn is_variable_char(c: char) -> bool {
    is_letter(c) || c.is_ascii_digit() || c == '_' || c == '?' || (!c.is_ascii() && category(c) == "Nd")
}

/// B.1.7 generic-token-char ends at these, besides white space and new lines.
fn ends_generic(c: char) -> bool {
    matches!(c, '{' | '}' | '(' | ')' | ';' | ',' | '|' | '&') || is_whitespace(c) || is_new_line(c)
}

/// B.1.5 keywords.
const KEYWORDS: [&str; 35] = [
    "begin",
    "break",
    "catch",
    "class",
    "continue",
    "data",
    "define",
    "do",
    "dynamicparam",
    "else",
    "elseif",
    "end",
    "exit",
    "filter",
    "finally",
    "for",
    "foreach",
    "from",
    "function",
    "if",
    "in",
    "inlinescript",
    "parallel",
    "param",
    "process",
    "return",
    "switch",
    "throw",
    "trap",
    "try",
    "until",
    "using",
    "var",
    "while",
    "workflow",
];

/// What the next token is read as (about_Parsing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// The start of a statement: a word starts a command, anything else an expression.
    Statement,
    /// Argument mode: after a command name, until the statement ends.
    Argument,
    /// Expression mode.
    Expression,
}

/// Splits PowerShell source text into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokenizer = Tokenizer { chars: text.chars().collect(), pos: 0, tokens: Vec::new(), spaced: true };
    tokenizer.statements(None);
    tokenizer.tokens
}

struct Tokenizer {
    chars: Vec<char>,
    pos: usize,
    tokens: Vec<Token>,
    /// White space (or a new line, a comment, the start) came before the next token.
    spaced: bool,
}

impl Tokenizer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn text(&self, start: usize) -> String {
        self.chars[start..self.pos].iter().collect()
    }

    fn push(&mut self, kind: Kind, start: usize, value: Option<String>) {
        let text = self.text(start);
        self.tokens.push(Token { kind, text, value, spaced: self.spaced });
        self.spaced = matches!(kind, Kind::NewLine | Kind::Comment);
    }

    fn error(&mut self, start: usize) {
        self.push(Kind::Error, start, None);
    }

    /// Skips white space and backtick line continuations (B.1.3); returns false at the end.
    fn skip_whitespace(&mut self) -> bool {
        loop {
            match self.peek() {
                None => return false,
                Some(c) if is_whitespace(c) => {
                    self.pos += 1;
                    self.spaced = true;
                }
                Some('`') if self.peek_at(1).is_some_and(is_new_line) => {
                    self.pos += 1;
                    self.new_line_length();
                    self.spaced = true;
                }
                Some(_) => return true,
            }
        }
    }

    /// Consumes one new-line-character (CR LF counts as one) and returns how many chars it took.
    fn new_line_length(&mut self) -> usize {
        let length = if self.peek() == Some('\r') && self.peek_at(1) == Some('\n') { 2 } else { 1 };
        self.pos += length;
        length
    }

    /// A statement list (B.2.2), up to `closer` or the end of the input. Returns whether the
    /// closer was found.
    fn statements(&mut self, closer: Option<char>) -> bool {
        let mut mode = Mode::Statement;
        while self.skip_whitespace() {
            let start = self.pos;
            let c = self.peek().expect("skip_whitespace saw a character");
            if is_new_line(c) {
                self.new_line_length();
                self.push(Kind::NewLine, start, None);
                mode = Mode::Statement;
                continue;
            }
            if Some(c) == closer {
                self.pos += 1;
                self.push(Kind::Punctuator, start, None);
                return true;
            }
            mode = self.token(mode);
        }
        if closer.is_some() {
            // The group never closed: PowerShell reports "missing closing" and runs nothing.
            let start = self.pos;
            self.error(start);
        }
        false
    }

    /// Reads one token (or group) at the current position in `mode`; returns the mode after it.
    fn token(&mut self, mode: Mode) -> Mode {
        let start = self.pos;
        let c = self.peek().expect("token() needs a character");
        let next = self.peek_at(1);
        // B.1.2 comments start at a token boundary in every mode.
        if c == '#' {
            while self.peek().is_some_and(|c| !is_new_line(c)) {
                self.pos += 1;
            }
            self.push(Kind::Comment, start, None);
            self.spaced = true;
            return mode;
        }
        if c == '<' && next == Some('#') {
            self.delimited_comment(start);
            return mode;
        }
        match c {
            ';' => {
                self.pos += 1;
                self.push(Kind::Punctuator, start, None);
                return Mode::Statement;
            }
            '|' | '&' if next == Some(c) => {
                self.pos += 2;
                self.push(Kind::Punctuator, start, None);
                return Mode::Statement;
            }
            '|' => {
                self.pos += 1;
                self.push(Kind::Punctuator, start, None);
                return Mode::Statement;
            }
            '&' => {
                // The call operator: what follows is the command, then its arguments.
                self.pos += 1;
                self.push(Kind::Operator, start, None);
                return Mode::Argument;
            }
            ',' => {
                self.pos += 1;
                self.push(Kind::Punctuator, start, None);
                return if mode == Mode::Statement { Mode::Expression } else { mode };
            }
            ')' | '}' | ']' => {
                // A closer that closes nothing.
                self.pos += 1;
                self.error(start);
                return mode;
            }
            '(' | '{' => {
                self.pos += 1;
                self.push(Kind::Punctuator, start, None);
                self.statements(Some(if c == '(' { ')' } else { '}' }));
                return self.after_value(if mode == Mode::Statement { Mode::Expression } else { mode });
            }
            '$' if next == Some('(') => {
                self.pos += 2;
                self.push(Kind::Punctuator, start, None);
                self.statements(Some(')'));
                return self.after_value(if mode == Mode::Statement { Mode::Expression } else { mode });
            }
            '@' if next == Some('(') || next == Some('{') => {
                self.pos += 2;
                self.push(Kind::Punctuator, start, None);
                self.statements(Some(if next == Some('(') { ')' } else { '}' }));
                return self.after_value(if mode == Mode::Statement { Mode::Expression } else { mode });
            }
            '@' if next.is_some_and(|n| is_single_quote(n) || is_double_quote(n)) && self.here_string_header() => {
                self.here_string(start);
                return self.after_value(if mode == Mode::Statement { Mode::Expression } else { mode });
            }
            '@' if next.is_some_and(is_variable_char) => {
                self.pos += 1;
                self.variable_name();
                self.push(Kind::Splat, start, None);
                return if mode == Mode::Statement { Mode::Expression } else { mode };
            }
            _ => {}
        }
        if is_single_quote(c) {
            self.pos += 1;
            let value = self.verbatim_body();
            match value {
                Some(value) => self.push(Kind::Verbatim, start, Some(value)),
                None => self.error(start),
            }
            return self.after_value(if mode == Mode::Statement { Mode::Expression } else { mode });
        }
        if is_double_quote(c) {
            self.pos += 1;
            if self.expandable_body() {
                self.push(Kind::Expandable, start, None);
            } else {
                self.error(start);
            }
            return self.after_value(if mode == Mode::Statement { Mode::Expression } else { mode });
        }
        // A `$` that starts no variable is an ordinary character of a generic token.
        if c == '$' && self.variable() {
            self.push(Kind::Variable, start, None);
            return self.after_value(if mode == Mode::Statement { Mode::Expression } else { mode });
        }
        if let Some(length) = self.redirection_length() {
            self.pos += length;
            self.push(Kind::Redirection, start, None);
            return mode;
        }
        match mode {
            Mode::Statement => self.statement_start(start),
            Mode::Argument => self.argument(start),
            Mode::Expression => self.expression(start),
        }
    }

    /// B.1.2 delimited-comment: `<#` up to the first `#>`.
    fn delimited_comment(&mut self, start: usize) {
        self.pos += 2;
        loop {
            match self.peek() {
                None => {
                    self.error(start);
                    return;
                }
                Some('#') if self.peek_at(1) == Some('>') => {
                    self.pos += 2;
                    self.push(Kind::Comment, start, None);
                    self.spaced = true;
                    return;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// The first token of a statement: a keyword, a command name, or the start of an expression.
    fn statement_start(&mut self, start: usize) -> Mode {
        let c = self.peek().expect("statement_start needs a character");
        let starts_expression = c.is_ascii_digit()
            || is_dash(c)
            || matches!(c, '[' | '!' | '+' | '.' | '$' | '@')
            || is_single_quote(c)
            || is_double_quote(c);
        if c == '.' && self.peek_at(1).is_some_and(|n| is_whitespace(n) || n == '\'' || n == '"') {
            // The dot-source operator: a command follows.
            self.pos += 1;
            self.push(Kind::Operator, start, None);
            return Mode::Argument;
        }
        if starts_expression {
            return self.expression(start);
        }
        self.generic_word();
        let word = self.text(start);
        if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(&word)) {
            self.push(Kind::Keyword, start, None);
            let lower = word.to_ascii_lowercase();
            // `throw`, `return` and `exit` take a pipeline; the others take a condition or a block.
            return if matches!(lower.as_str(), "throw" | "return" | "exit") {
                Mode::Statement
            } else {
                Mode::Expression
            };
        }
        self.push(Kind::CommandName, start, None);
        Mode::Argument
    }

    /// One token in argument mode (about_Parsing): parameters, numbers and generic tokens.
    fn argument(&mut self, start: usize) -> Mode {
        let c = self.peek().expect("argument needs a character");
        if is_dash(c) {
            let next = self.peek_at(1);
            if next.is_some_and(is_dash) && self.peek_at(2) == Some('%') {
                // `--%`: the rest of the line is not PowerShell.
                while self.peek().is_some_and(|c| !is_new_line(c)) {
                    self.pos += 1;
                }
                self.push(Kind::StopParsing, start, None);
                return Mode::Argument;
            }
            if next.is_some_and(is_dash) && self.peek_at(2).is_none_or(ends_generic) {
                self.pos += 2;
                self.push(Kind::Operator, start, None);
                return Mode::Argument;
            }
            if next.is_some_and(|n| is_letter(n) || n == '_' || n == '?') {
                // B.1.8 command-parameter: dash, first-parameter-char, parameter-chars, colon.
                self.pos += 2;
                while self.peek().is_some_and(|c| !(ends_generic(c) || matches!(c, '.' | '[' | ':'))) {
                    self.pos += 1;
                }
                if self.peek() == Some(':') {
                    self.pos += 1;
                }
                self.push(Kind::Parameter, start, None);
                return Mode::Argument;
            }
        }
        if c.is_ascii_digit() {
            let end = self.number_end();
            if self.chars.get(end).is_none_or(|&c| ends_generic(c)) {
                self.pos = end;
                self.push(Kind::Number, start, None);
                return Mode::Argument;
            }
        }
        self.generic_word();
        self.push(Kind::Generic, start, None);
        Mode::Argument
    }

    /// One token in expression mode: operators, numbers, type literals, member names.
    fn expression(&mut self, start: usize) -> Mode {
        let c = self.peek().expect("expression needs a character");
        let next = self.peek_at(1);
        if is_dash(c) {
            if next.is_some_and(is_letter) {
                // B.1.12 operators spelled with a dash: -like, -notlike, -not, -and, -f, ...
                self.pos += 1;
                while self.peek().is_some_and(is_letter) {
                    self.pos += 1;
                }
                self.push(Kind::Operator, start, None);
                return Mode::Expression;
            }
            self.pos += if next.is_some_and(|n| is_dash(n) || n == '=') { 2 } else { 1 };
            self.push(Kind::Operator, start, None);
            return Mode::Expression;
        }
        if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            self.pos = self.number_end();
            self.push(Kind::Number, start, None);
            return self.after_value(Mode::Expression);
        }
        if c == '[' {
            // B.1.11 type-literal: brackets around a type name, which may hold brackets itself.
            let mut depth = 0;
            while let Some(c) = self.peek() {
                self.pos += 1;
                match c {
                    '[' => depth += 1,
                    ']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    c if is_new_line(c) => break,
                    _ => {}
                }
            }
            if depth == 0 {
                self.push(Kind::Type, start, None);
            } else {
                self.error(start);
            }
            return self.after_value(Mode::Expression);
        }
        let operator = match (c, next) {
            ('+' | '*' | '/' | '%' | '=', Some('=')) | ('+', Some('+')) | ('.', Some('.')) | (':', Some(':')) => 2,
            ('+' | '*' | '/' | '%' | '!' | '=' | '.' | ':', _) => 1,
            _ => 0,
        };
        if operator > 0 {
            self.pos += operator;
            self.push(Kind::Operator, start, None);
            // After an assignment the right-hand side is a statement: a word there runs a command.
            return if self.text(start).ends_with('=') { Mode::Statement } else { Mode::Expression };
        }
        // A bare word where an expression was expected: PowerShell reports an error.
        self.generic_word();
        self.error(start);
        Mode::Expression
    }

    /// After a value (a variable, a string, a group): `.name` or `::name` directly after it is a
    /// member access, `(` after a member a method call, `[` an index.
    fn after_value(&mut self, mode: Mode) -> Mode {
        loop {
            let start = self.pos;
            match (self.peek(), self.peek_at(1)) {
                (Some('.'), Some(n)) if is_variable_char(n) && n != '?' => {
                    self.pos += 1;
                    self.spaced = false;
                    self.push(Kind::Punctuator, start, None);
                    let name = self.pos;
                    while self.peek().is_some_and(|c| is_variable_char(c) && c != '?') {
                        self.pos += 1;
                    }
                    self.push(Kind::Member, name, None);
                }
                (Some(':'), Some(':')) => {
                    self.pos += 2;
                    self.spaced = false;
                    self.push(Kind::Punctuator, start, None);
                    let name = self.pos;
                    while self.peek().is_some_and(|c| is_variable_char(c) && c != '?') {
                        self.pos += 1;
                    }
                    self.push(Kind::Member, name, None);
                }
                (Some('('), _) if self.tokens.last().is_some_and(|t| t.kind == Kind::Member) => {
                    self.pos += 1;
                    self.spaced = false;
                    self.push(Kind::Punctuator, start, None);
                    self.statements(Some(')'));
                }
                (Some('['), _) if mode == Mode::Expression => {
                    self.pos += 1;
                    self.spaced = false;
                    self.push(Kind::Punctuator, start, None);
                    self.statements(Some(']'));
                }
                _ => return mode,
            }
        }
    }

    /// Reads B.1.7 generic-token-parts: ordinary characters, escaped characters, and embedded
    /// strings and variables, which stay part of the one token.
    fn generic_word(&mut self) {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if ends_generic(c) {
                break;
            }
            if c == '`' {
                if self.peek_at(1).is_none_or(is_new_line) {
                    break;
                }
                self.pos += 2;
            } else if is_single_quote(c) {
                self.pos += 1;
                if self.verbatim_body().is_none() {
                    return;
                }
            } else if is_double_quote(c) {
                self.pos += 1;
                if !self.expandable_body() {
                    return;
                }
            } else if c == '$' && self.peek_at(1) == Some('(') {
                self.pos += 2;
                let mut inner = self.nested();
                inner.statements(Some(')'));
                self.pos = inner.pos;
            } else if c == '$' {
                if !self.variable() {
                    self.pos += 1;
                }
            } else {
                self.pos += 1;
            }
        }
        if self.pos == start {
            self.pos += 1;
        }
    }

    /// A tokenizer over the same text from the current position, for groups inside strings
    /// and generic tokens, whose tokens are part of the outer token.
    fn nested(&self) -> Tokenizer {
        Tokenizer { chars: self.chars.clone(), pos: self.pos, tokens: Vec::new(), spaced: false }
    }

    /// B.1.9.3 verbatim-string-characters after the opening quote, up to and including the
    /// closing quote: any character, a single-quote-character written twice standing for the
    /// second one. `None` when the input ends first.
    fn verbatim_body(&mut self) -> Option<String> {
        let mut value = String::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            if is_single_quote(c) {
                match self.peek() {
                    Some(second) if is_single_quote(second) => {
                        self.pos += 1;
                        value.push(second);
                    }
                    _ => return Some(value),
                }
            } else {
                value.push(c);
            }
        }
        None
    }

    /// B.1.9.3 expandable-string-characters after the opening quote, up to and including the
    /// closing quote: backtick escapes, doubled quotes, `$name`, `${name}` and `$( )`, whose
    /// statements may hold strings of their own. False when the input ends first.
    fn expandable_body(&mut self) -> bool {
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == '`' {
                if self.peek().is_none() {
                    return false;
                }
                self.pos += 1;
            } else if is_double_quote(c) {
                if self.peek().is_some_and(is_double_quote) {
                    self.pos += 1;
                } else {
                    return true;
                }
            } else if c == '$' && self.peek() == Some('(') {
                self.pos += 1;
                let mut inner = self.nested();
                let closed = inner.statements(Some(')'));
                self.pos = inner.pos;
                if !closed || inner.tokens.iter().any(|t| t.kind == Kind::Error) {
                    return false;
                }
            } else if c == '$' {
                self.pos -= 1;
                if !self.variable() {
                    self.pos += 1;
                }
            }
        }
        false
    }

    /// B.1.6 variable at `$`: `$$`, `$?`, `$^`, `${braced}`, `$scope:name`, `$name`. Returns
    /// false (and reads nothing) when the `$` starts no variable.
    fn variable(&mut self) -> bool {
        let start = self.pos;
        self.pos += 1;
        match self.peek() {
            Some('$' | '?' | '^') => {
                self.pos += 1;
                true
            }
            Some('{') => {
                self.pos += 1;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match c {
                        '`' => self.pos += 1,
                        '}' => return true,
                        _ => {}
                    }
                }
                self.pos = start;
                false
            }
            Some(c) if is_variable_char(c) || c == ':' => {
                self.variable_name();
                true
            }
            _ => {
                self.pos = start;
                false
            }
        }
    }

    /// B.1.6 variable-characters, with a scope or drive (`env:`) before the name.
    fn variable_name(&mut self) {
        loop {
            while self.peek().is_some_and(is_variable_char) {
                self.pos += 1;
            }
            if self.peek() == Some(':') && self.peek_at(1).is_some_and(|c| is_variable_char(c) && c != '?') {
                self.pos += 1;
                continue;
            }
            return;
        }
    }

    /// The end of B.1.9.1 and B.1.9.2 numbers, with suffixes and multipliers (`10kb`, `0x1F`, `1.5e3`).
    fn number_end(&self) -> usize {
        let mut end = self.pos;
        while self.chars.get(end).is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.') {
            if self.chars[end] == '.' && self.chars.get(end + 1).is_some_and(|c| *c == '.') {
                break;
            }
            end += 1;
        }
        end
    }

    /// B.1.12 redirection operators at the current position: `>`, `>>`, `2>`, `2>>`, `*>`,
    /// `2>&1`, `<`. Returns their length.
    fn redirection_length(&self) -> Option<usize> {
        let at = |i: usize| self.chars.get(self.pos + i).copied();
        let stream = match at(0) {
            Some('1'..='6' | '*') if at(1) == Some('>') => 1,
            Some('>' | '<') => 0,
            _ => return None,
        };
        if at(stream) == Some('<') {
            return Some(1);
        }
        let mut length = stream + 1;
        if at(length) == Some('>') {
            length += 1;
        } else if at(length) == Some('&') && at(length + 1).is_some_and(|c| matches!(c, '1' | '2')) {
            length += 2;
        }
        Some(length)
    }

    /// True when `@'` or `@"` at the current position is followed by optional white space and
    /// a new line: the header of a here-string (B.1.9.3).
    fn here_string_header(&self) -> bool {
        let mut i = self.pos + 2;
        while self.chars.get(i).is_some_and(|&c| is_whitespace(c)) {
            i += 1;
        }
        self.chars.get(i).is_some_and(|&c| is_new_line(c))
    }

    /// B.1.9.3 verbatim-here-string-literal and expandable-here-string-literal: the text between
    /// the header's new line and a new line followed by the quote and `@`.
    fn here_string(&mut self, start: usize) {
        let verbatim = is_single_quote(self.chars[self.pos + 1]);
        self.pos += 2;
        while self.peek().is_some_and(is_whitespace) {
            self.pos += 1;
        }
        self.new_line_length();
        let body = self.pos;
        loop {
            match self.peek() {
                None => {
                    self.error(start);
                    return;
                }
                Some(c) if is_new_line(c) => {
                    let line_end = self.pos;
                    self.new_line_length();
                    let quote = self.peek();
                    let closes =
                        if verbatim { quote.is_some_and(is_single_quote) } else { quote.is_some_and(is_double_quote) };
                    if closes && self.peek_at(1) == Some('@') {
                        let value: String = self.chars[body..line_end].iter().collect();
                        self.pos += 2;
                        if verbatim {
                            self.push(Kind::VerbatimHere, start, Some(value));
                        } else {
                            self.push(Kind::ExpandableHere, start, None);
                        }
                        return;
                    }
                }
                Some(_) => self.pos += 1,
            }
        }
    }
}

/// The code of a token list with the values of verbatim strings left out: two commands with
/// the same shape differ only in the contents of their verbatim strings. Comments are left out;
/// whether tokens are separated by white space is kept (it decides what one argument is).
pub fn shape(tokens: &[Token]) -> Vec<(Kind, String, bool)> {
    tokens
        .iter()
        .filter(|t| t.kind != Kind::Comment)
        .map(|t| (t.kind, if t.is_verbatim() { String::new() } else { t.text.clone() }, t.spaced))
        .collect()
}

/// The values of the verbatim strings, in order.
pub fn literals(tokens: &[Token]) -> Vec<String> {
    tokens.iter().filter_map(|t| if t.is_verbatim() { t.value.clone() } else { None }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        tokenize(text).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    fn k(kind: Kind, text: &str) -> (Kind, String) {
        (kind, text.to_owned())
    }

    #[test]
    fn a_command_with_parameters_and_quoted_arguments() {
        use Kind::*;
        assert_eq!(
            kinds("Set-ReceiveConnector -Identity 'EX01\\Relay' -TlsDomainCapabilities 'a','b'"),
            vec![
                k(CommandName, "Set-ReceiveConnector"),
                k(Parameter, "-Identity"),
                k(Verbatim, "'EX01\\Relay'"),
                k(Parameter, "-TlsDomainCapabilities"),
                k(Verbatim, "'a'"),
                k(Punctuator, ","),
                k(Verbatim, "'b'"),
            ]
        );
    }

    #[test]
    fn every_single_quote_character_ends_a_string_and_any_two_stand_for_the_second() {
        for quote in ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'] {
            let tokens = tokenize(&format!("Get-X -Name {quote}O{quote}{quote}Neil{quote}"));
            assert_eq!(tokens.len(), 3, "{quote}: {tokens:?}");
            assert_eq!(tokens[2].value.as_deref(), Some(format!("O{quote}Neil").as_str()));
        }
        // A typographic quote followed by an ASCII one is an escaped pair that stands for the ASCII one.
        assert_eq!(tokenize("'a\u{2019}'b'")[0].value.as_deref(), Some("a'b"));
        // A lone typographic quote inside ends the string, and the rest becomes code.
        let tokens = tokenize("Get-X 'a\u{2019}; calc; \u{2018}'");
        assert_eq!(tokens[1].value.as_deref(), Some("a"));
        assert!(tokens.iter().any(|t| t.kind == Kind::CommandName && t.text == "calc"), "{tokens:?}");
    }

    #[test]
    fn lookalike_quotes_are_ordinary_characters() {
        for lookalike in ['\u{FF07}', '\u{02BC}', '\u{2032}', '\u{275C}', '\u{FF02}'] {
            let tokens = tokenize(&format!("Get-X '{lookalike}'"));
            assert_eq!(tokens[1].value, Some(lookalike.to_string()), "{tokens:?}");
        }
    }

    #[test]
    fn a_string_that_starts_a_token_ends_it_and_what_follows_is_another_token() {
        let tokens = tokenize("Get-X 'a'b");
        assert_eq!(tokens[1].kind, Kind::Verbatim);
        assert_eq!((tokens[2].kind, tokens[2].spaced), (Kind::Generic, false));
        // Inside a bare word, quotes and variables are part of the word.
        assert_eq!(kinds("Get-X a'b c'$d"), vec![k(Kind::CommandName, "Get-X"), k(Kind::Generic, "a'b c'$d")]);
    }

    #[test]
    fn strings_span_lines_and_keep_nul() {
        let tokens = tokenize("Get-X 'a\r\nb\0c'");
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens[1].value.as_deref(), Some("a\r\nb\0c"));
        assert_eq!(tokenize("Get-X 'abc")[1].kind, Kind::Error);
    }

    #[test]
    fn double_quoted_strings_expand_and_escape() {
        use Kind::*;
        assert_eq!(
            kinds("$tlsName = \"<I>$($cert.Issuer)<S>$($cert.Subject)\""),
            vec![k(Variable, "$tlsName"), k(Operator, "="), k(Expandable, "\"<I>$($cert.Issuer)<S>$($cert.Subject)\"")]
        );
        assert_eq!(kinds("Get-X \"a`\"b\"\"c\u{201D}")[1], k(Expandable, "\"a`\"b\"\"c\u{201D}"));
        assert_eq!(kinds("Get-X \"a$(')')b\"")[1], k(Expandable, "\"a$(')')b\""));
        assert_eq!(kinds("Get-X \u{201E}a")[1].0, Error);
    }

    #[test]
    fn new_lines_are_cr_and_lf_only_and_other_separators_are_white_space() {
        use Kind::*;
        assert_eq!(kinds("a\rb\r\nc\nd").iter().filter(|t| t.0 == NewLine).count(), 3);
        // U+2028, U+2029 and U+0085 are white space to PowerShell: one statement, three words.
        let tokens = tokenize("Get-X\u{2028}a\u{2029}b\u{85}c\u{A0}d\u{3000}e");
        assert_eq!(
            tokens.iter().map(|t| t.kind).collect::<Vec<_>>(),
            vec![CommandName, Generic, Generic, Generic, Generic, Generic]
        );
        // A backtick before a new line continues the line.
        assert_eq!(
            kinds("Get-X `\r\n -A b").iter().map(|t| t.0).collect::<Vec<_>>(),
            vec![CommandName, Parameter, Generic]
        );
    }

    #[test]
    fn comments_start_only_at_a_token_boundary() {
        use Kind::*;
        assert_eq!(kinds("Get-X a#b # c 'd'"), vec![k(CommandName, "Get-X"), k(Generic, "a#b"), k(Comment, "# c 'd'")]);
        assert_eq!(kinds("<# x\n'y' #> Get-X"), vec![k(Comment, "<# x\n'y' #>"), k(CommandName, "Get-X")]);
        assert_eq!(kinds("<# open")[0].0, Error);
    }

    #[test]
    fn dashes_make_parameters_and_operators() {
        use Kind::*;
        for dash in ['-', '\u{2013}', '\u{2014}', '\u{2015}'] {
            assert_eq!(kinds(&format!("Get-X {dash}Identity a"))[1], k(Parameter, &format!("{dash}Identity")));
        }
        assert_eq!(
            kinds("Get-X | Where-Object { $_.TlsDomainCapabilities -like '*MSIT*' }"),
            vec![
                k(CommandName, "Get-X"),
                k(Punctuator, "|"),
                k(CommandName, "Where-Object"),
                k(Punctuator, "{"),
                k(Variable, "$_"),
                k(Punctuator, "."),
                k(Member, "TlsDomainCapabilities"),
                k(Operator, "-like"),
                k(Verbatim, "'*MSIT*'"),
                k(Punctuator, "}"),
            ]
        );
        assert_eq!(kinds("Get-X --% a 'b")[1], k(StopParsing, "--% a 'b"));
    }

    #[test]
    fn groups_statements_and_members() {
        use Kind::*;
        let tokens = kinds(
            "$hcBefore1 = @((Get-ReceiveConnector -Identity 'x' -ErrorAction Stop).TlsDomainCapabilities | ForEach-Object { $_.ToString() })",
        );
        assert_eq!(
            tokens,
            vec![
                k(Variable, "$hcBefore1"),
                k(Operator, "="),
                k(Punctuator, "@("),
                k(Punctuator, "("),
                k(CommandName, "Get-ReceiveConnector"),
                k(Parameter, "-Identity"),
                k(Verbatim, "'x'"),
                k(Parameter, "-ErrorAction"),
                k(Generic, "Stop"),
                k(Punctuator, ")"),
                k(Punctuator, "."),
                k(Member, "TlsDomainCapabilities"),
                k(Punctuator, "|"),
                k(CommandName, "ForEach-Object"),
                k(Punctuator, "{"),
                k(Variable, "$_"),
                k(Punctuator, "."),
                k(Member, "ToString"),
                k(Punctuator, "("),
                k(Punctuator, ")"),
                k(Punctuator, "}"),
                k(Punctuator, ")"),
            ]
        );
        assert_eq!(kinds("Get-X (1").last().unwrap().0, Error, "an unclosed group");
        assert_eq!(kinds("Get-X 'a')")[2].0, Error, "a closer that closes nothing");
        assert_eq!(kinds("Get-X ; calc; Get-Y | b").iter().filter(|t| t.0 == CommandName).count(), 4);
        assert_eq!(kinds("Get-X a; b & c && d")[4], k(Operator, "&"));
    }

    #[test]
    fn variables_splats_keywords_and_here_strings() {
        use Kind::*;
        assert_eq!(
            kinds("Get-X $true ${a b} $env:Path @splat $")[1..5].iter().map(|t| t.0).collect::<Vec<_>>(),
            vec![Variable, Variable, Variable, Splat]
        );
        assert_eq!(kinds("Get-X $")[1], k(Generic, "$"));
        assert_eq!(kinds("if ($a) { throw 'stop' }")[0], k(Keyword, "if"));
        assert_eq!(kinds("throw 'stop'")[1].0, Verbatim);
        let tokens = tokenize("Get-X @'\r\na 'b'\r\n'@ c");
        assert_eq!((tokens[1].kind, tokens[1].value.as_deref()), (VerbatimHere, Some("a 'b'")));
        assert_eq!(tokens[2].text, "c");
        assert_eq!(
            kinds("Get-X > out.txt 2>&1")[1..].iter().map(|t| t.0).collect::<Vec<_>>(),
            vec![Redirection, Generic, Redirection]
        );
    }

    #[test]
    fn shapes_abstract_verbatim_values_only() {
        let a = tokenize("Set-X -Identity 'a' -Value $true");
        let b = tokenize("Set-X -Identity 'O''Neil' -Value $true");
        let c = tokenize("Set-X -Identity 'a'; calc -Value $true");
        assert_eq!(shape(&a), shape(&b));
        assert_ne!(shape(&a), shape(&c));
        assert_eq!(literals(&b), vec!["O'Neil".to_owned()]);
    }
}
