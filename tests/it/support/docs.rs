//! The examples of the documents under `docs/`, for the tests that hold the documents to what
//! the program does.

use super::root;

/// The text of every ```` ```yaml ```` block of `docs/<name>`, in order.
pub fn yaml_blocks(name: &str) -> Vec<String> {
    let path = root().join("docs").join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim_end() == "```yaml" => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => blocks.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    assert!(
        current.is_none(),
        "docs/{name}: a ```yaml block is not closed"
    );
    blocks
}

/// The ```` ```yaml ```` blocks of `docs/<name>` that are source files, as (id, text): those
/// whose first line is a comment naming the file, `# sources/<id>.yaml`.
pub fn sources(name: &str) -> Vec<(String, String)> {
    yaml_blocks(name)
        .into_iter()
        .filter_map(|block| {
            let first = block.lines().next()?;
            let file = first.strip_prefix("# sources/")?;
            let id = file.split_whitespace().next()?.strip_suffix(".yaml")?;
            Some((id.to_string(), block))
        })
        .collect()
}
