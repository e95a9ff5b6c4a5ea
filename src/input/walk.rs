//! Lazy, sorted, loop-safe folder walking.
//!
//! Rules: entries are visited depth-first in byte order of their names (so files come out sorted by
//! path); names starting with `.` (hidden files and folders) are ignored; files whose extension is not
//! supported are ignored silently; symlinks are followed, but a folder whose canonical path is one of
//! its own ancestors (a loop) or was already read through another link is skipped with a reason.
//! Only one folder's entry names are held at a time per level of depth.

use super::files::format_for;
use super::Skip;
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Something found by the walker.
#[derive(Debug)]
pub(crate) enum WalkEvent {
    /// A supported file: its path (root joined with `rel`) and its path components under the root.
    File {
        path: PathBuf,
        rel: Vec<String>,
    },
    Skip(Skip),
}

struct Frame {
    dir: PathBuf,
    canon: PathBuf,
    rel: Vec<String>,
    /// Remaining entry names, reversed (pop gives the next in sorted order).
    entries: Vec<OsString>,
}

pub(crate) struct Walker {
    stack: Vec<Frame>,
    visited: HashSet<PathBuf>,
    pending: Option<Skip>,
}

/// `id` of a folder under the root: its relative path with a trailing slash (`.` for the root).
fn dir_id(root: &Path, rel: &[String]) -> String {
    if rel.is_empty() {
        root.to_string_lossy().into_owned()
    } else {
        format!("{}/", rel.join("/"))
    }
}

fn list_dir(dir: &Path) -> std::io::Result<Vec<OsString>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        names.push(entry?.file_name());
    }
    names.sort_unstable_by(|a, b| b.as_encoded_bytes().cmp(a.as_encoded_bytes()));
    Ok(names)
}

impl Walker {
    pub(crate) fn new(root: &Path) -> Walker {
        let mut w = Walker {
            stack: Vec::new(),
            visited: HashSet::new(),
            pending: None,
        };
        let opened = std::fs::canonicalize(root).and_then(|canon| Ok((list_dir(root)?, canon)));
        match opened {
            Ok((entries, canon)) => {
                w.visited.insert(canon.clone());
                w.stack.push(Frame {
                    dir: root.to_path_buf(),
                    canon,
                    rel: Vec::new(),
                    entries,
                });
            }
            Err(e) => {
                w.pending = Some(Skip {
                    id: dir_id(root, &[]),
                    reason: format!("cannot read directory: {e}"),
                });
            }
        }
        w
    }

    fn enter(&mut self, path: PathBuf, rel: Vec<String>) -> Option<Skip> {
        let root_dir = self
            .stack
            .first()
            .map(|f| f.dir.clone())
            .unwrap_or_default();
        let id = dir_id(&root_dir, &rel);
        let canon = match std::fs::canonicalize(&path) {
            Ok(c) => c,
            Err(e) => {
                return Some(Skip {
                    id,
                    reason: format!("cannot read directory: {e}"),
                })
            }
        };
        if let Some(ancestor) = self.stack.iter().find(|f| f.canon == canon) {
            return Some(Skip {
                id,
                reason: format!(
                    "symlink loop: {} leads back to {}",
                    path.display(),
                    ancestor.dir.display()
                ),
            });
        }
        if self.visited.contains(&canon) {
            return Some(Skip {
                id,
                reason: format!("already read through another path ({})", canon.display()),
            });
        }
        match list_dir(&path) {
            Ok(entries) => {
                self.visited.insert(canon.clone());
                self.stack.push(Frame {
                    dir: path,
                    canon,
                    rel,
                    entries,
                });
                None
            }
            Err(e) => Some(Skip {
                id,
                reason: format!("cannot read directory: {e}"),
            }),
        }
    }
}

impl Iterator for Walker {
    type Item = WalkEvent;

    fn next(&mut self) -> Option<WalkEvent> {
        if let Some(skip) = self.pending.take() {
            return Some(WalkEvent::Skip(skip));
        }
        loop {
            let frame = self.stack.last_mut()?;
            let Some(name) = frame.entries.pop() else {
                self.stack.pop();
                continue;
            };
            if name.as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = frame.dir.join(&name);
            let mut rel = frame.rel.clone();
            rel.push(name.to_string_lossy().into_owned());
            let meta = match std::fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    let broken =
                        std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
                    if format_for(&path).is_none() && !broken {
                        continue;
                    }
                    let what = if broken {
                        "broken symlink"
                    } else {
                        "cannot read"
                    };
                    return Some(WalkEvent::Skip(Skip {
                        id: rel.join("/"),
                        reason: format!("{what}: {e}"),
                    }));
                }
            };
            if meta.is_dir() {
                if let Some(skip) = self.enter(path, rel) {
                    return Some(WalkEvent::Skip(skip));
                }
                continue;
            }
            if format_for(&path).is_none() {
                continue;
            }
            if !meta.is_file() {
                return Some(WalkEvent::Skip(Skip {
                    id: rel.join("/"),
                    reason: "not a regular file".into(),
                }));
            }
            return Some(WalkEvent::File { path, rel });
        }
    }
}
