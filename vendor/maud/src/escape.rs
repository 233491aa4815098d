// !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
// !!!!! PLEASE KEEP THIS IN SYNC WITH `maud_macros/src/escape.rs` !!!!!
// !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!

extern crate alloc;

use alloc::string::String;

pub fn escape_to_string(input: &str, output: &mut String) {
    // The four escaped characters are ASCII: they never fall inside a multi-byte UTF-8
    // sequence, so the safe runs between them are copied whole.
    let mut start = 0;
    for (i, b) in input.bytes().enumerate() {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        output.push_str(&input[start..i]);
        output.push_str(replacement);
        start = i + 1;
    }
    output.push_str(&input[start..]);
}

#[cfg(test)]
mod test {
    extern crate alloc;

    use super::escape_to_string;
    use alloc::format;
    use alloc::string::String;

    #[test]
    fn it_works() {
        let mut s = String::new();
        escape_to_string("<script>launchMissiles()</script>", &mut s);
        assert_eq!(s, "&lt;script&gt;launchMissiles()&lt;/script&gt;");
    }

    #[test]
    fn edge_cases() {
        for (input, expected) in [
            ("", ""),
            ("plain text", "plain text"),
            ("&<>\"", "&amp;&lt;&gt;&quot;"),
            ("<<a>>", "&lt;&lt;a&gt;&gt;"),
            ("é<à>ü\"ß", "é&lt;à&gt;ü&quot;ß"),
            ("a&b", "a&amp;b"),
        ] {
            let mut s = String::from("→");
            escape_to_string(input, &mut s);
            assert_eq!(s, format!("→{expected}"), "{input}");
        }
    }
}
