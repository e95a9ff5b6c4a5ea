use super::*;
use crate::analyze::attribution::{ByteSpan, Speaker};

/// Code-point span of the `n`-th occurrence of `needle` in `text`.
fn sp(text: &str, needle: &str, n: usize) -> (usize, usize) {
    let (b, _) = text.match_indices(needle).nth(n).unwrap();
    let s = text[..b].chars().count();
    (s, s + needle.chars().count())
}

fn att(
    source: Option<(usize, usize)>,
    cue: Option<(usize, usize)>,
    content: (usize, usize),
) -> PredictedAttribution {
    PredictedAttribution {
        kind: "x".into(),
        source: source.into_iter().collect(),
        cue: cue.into_iter().collect(),
        content: vec![content],
    }
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn hand_computed_scores() {
    let t = "Trump said the plan failed. Clinton said “no.”";
    let gold = vec![
        att(
            Some(sp(t, "Trump", 0)),
            Some(sp(t, "said", 0)),
            sp(t, "the plan failed", 0),
        ),
        att(
            Some(sp(t, "Clinton", 0)),
            Some(sp(t, "said", 1)),
            sp(t, "“no.”", 0),
        ),
    ];
    let pred = vec![
        att(
            Some(sp(t, "Trump", 0)),
            Some(sp(t, "said", 0)),
            sp(t, "plan failed", 0),
        ),
        // A false positive whose content overlaps no gold content.
        att(None, None, sp(t, "Clinton", 0)),
    ];
    let c = score_article(t, &gold, &pred);
    let s = Scores::from(&c.all);
    // One aligned pair (Dice 2·2/(3+2) = 0.8 > 0); 2 gold, 2 predicted.
    close(s.detection.p, 0.5);
    close(s.detection.r, 0.5);
    close(s.detection.f1, 0.5);
    // Source: the aligned pair matches exactly.
    close(s.source_exact.p, 0.5);
    close(s.source_exact.r, 0.5);
    // Content: not exact; 2 shared tokens of 3 predicted (plan, failed, Clinton) and 4 gold (the, plan, failed, no).
    close(s.content_exact.f1, 0.0);
    close(s.content_overlap.p, 2.0 / 3.0);
    close(s.content_overlap.r, 0.5);
    // Cue: 1 shared token; 1 predicted cue token, 2 gold.
    close(s.cue_overlap.p, 1.0);
    close(s.cue_overlap.r, 0.5);
    // By type: the gold direct quotation was missed; the predicted ones are both indirect.
    let d = Scores::from(&c.by_type["direct"]);
    assert_eq!((d.gold, d.pred), (1, 0));
    close(d.detection.r, 0.0);
    let i = Scores::from(&c.by_type["indirect"]);
    assert_eq!((i.gold, i.pred), (1, 2));
    close(i.detection.r, 1.0);
    close(i.detection.p, 0.5);
}

#[test]
fn ties_are_broken_by_cue_overlap() {
    let t = "He said it. She said it.";
    let content = sp(t, "it", 0);
    let gold = vec![att(None, Some(sp(t, "said", 1)), content)];
    let pred = vec![
        att(None, Some(sp(t, "said", 0)), content),
        att(None, Some(sp(t, "said", 1)), content),
    ];
    let c = score_article(t, &gold, &pred);
    // The second prediction (same cue) is aligned: cue exact on the one aligned pair.
    assert_eq!(c.all.cue.exact_gold_side, 1);
    assert_eq!(c.all.aligned_gold_side, 1);
    assert_eq!(c.all.pred, 2);
}

#[test]
fn tokens_are_word_runs_keyed_by_start() {
    let chars: Vec<char> = "a-b c_d, é1".chars().collect();
    let set = token_set(&chars, &vec![(0, chars.len())]);
    assert_eq!(set.into_iter().collect::<Vec<_>>(), vec![0, 2, 4, 9]);
    // A span cutting a word keeps the piece, keyed at the span start.
    let set = token_set(&chars, &vec![(5, 7)]);
    assert_eq!(set.into_iter().collect::<Vec<_>>(), vec![5]);
}

#[test]
fn content_type_rule() {
    let chars: Vec<char> = "“We won,” he said. He said we won.".chars().collect();
    assert_eq!(content_type(&chars, &vec![(0, 9)]), "direct");
    assert_eq!(content_type(&chars, &vec![(27, 33)]), "indirect");
}

#[test]
fn parses_brat_events() {
    let ann = "T1\tSource 0 5\tTrump\nT2\tCue 6 10\tsaid\nT3\tContent 11 15;20 25\tx\nT4\tAttribution 6 10\tsaid\n\
               E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n\
               T5\tCue 30 35\tasked\nT6\tContent 36 40\ty\nT7\tAttribution-no-source 30 35\tasked\n\
               E2\tAttribution-no-source:T7 Cue:T5 Content:T6\nE3\t\n";
    let g = parse_ann(ann);
    assert_eq!(g.len(), 2);
    assert_eq!(g[0].source, vec![(0, 5)]);
    assert_eq!(g[0].content, vec![(11, 15), (20, 25)]);
    assert!(g[1].source.is_empty());
    assert_eq!(g[1].cue, vec![(30, 35)]);
}

#[test]
fn predictions_merge_continuations_and_count_code_points() {
    let t = "“Déjà vu,” he said. “Again.”";
    let b = |s: &str| {
        let i = t.find(s).unwrap();
        ByteSpan {
            start: i,
            end: i + s.len(),
        }
    };
    let speaker = Speaker {
        name: "x".into(),
        kind: "person",
        side: None,
        resolved_from: "none",
        role: None,
    };
    let a0 = Attribution {
        kind: "direct",
        cue: Some(b("said")),
        cue_lemma: None,
        verb_class: None,
        source: Some(b("he")),
        content: b("“Déjà vu,”"),
        speaker: speaker.clone(),
        continues: None,
    };
    let a1 = Attribution {
        cue: None,
        source: None,
        content: b("“Again.”"),
        continues: Some(0),
        ..a0.clone()
    };
    let p = predictions(t, &[a0, a1]);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].content, vec![(0, 10), (20, 28)]);
    assert_eq!(p[0].cue, vec![sp(t, "said", 0)]);
}

#[test]
fn metadata_uses_first_annotator() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("metadata.tsv");
    std::fs::write(
        &m,
        "compartment\tfilename\tlevel\tannotators\ndev\ta\tNone\tx1|y2\n",
    )
    .unwrap();
    let rows = load_metadata(&m).unwrap();
    assert_eq!(rows[0].annotator, "x1");
    assert_eq!(rows[0].filename, "a");
}

#[test]
fn evaluate_on_a_tiny_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("dev/text")).unwrap();
    std::fs::create_dir_all(root.join("dev/attributions")).unwrap();
    std::fs::write(
        root.join("metadata.tsv"),
        "compartment\tfilename\tannotators\ndev\tdoc\tab|cd\n",
    )
    .unwrap();
    std::fs::write(root.join("dev/text/doc.txt"), "Trump said the plan failed.").unwrap();
    std::fs::write(
        root.join("dev/attributions/doc_ab.ann"),
        "T1\tSource 0 5\tTrump\nT2\tCue 6 10\tsaid\nT3\tContent 11 26\tthe plan failed\nE1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n",
    )
    .unwrap();
    let r = evaluate(&root.join("dev"), &root.join("metadata.tsv"), |_| {
        vec![att(Some((0, 5)), Some((6, 10)), (11, 26))]
    })
    .unwrap();
    assert_eq!(r.articles, 1);
    close(r.overall.detection.f1, 1.0);
    close(r.overall.source_exact.f1, 1.0);
    close(r.overall.content_overlap.f1, 1.0);
    assert!(r.to_string().contains("detection"));
}

/// The dev evaluation on the real corpus (slow-ish; run with `--ignored`, or use the `polnear_dev` example).
#[test]
#[ignore]
fn polnear_dev_targets() {
    let shared = std::env::var("SLANTSCOPE_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            let local = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
            if local.exists() {
                local
            } else {
                "/work/shared".into()
            }
        });
    let root = shared.join("datasets/polnear");
    if !root.exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "PolNeAR missing under {}",
            root.display()
        );
        return;
    }
    let lex = crate::lexicon::LexiconSet::builtin().unwrap();
    let rules = crate::analyze::attribution::AttributionRules::from_lexicons(&lex).unwrap();
    let tr = crate::analyze::Engine::new(lex).unwrap().text_rules;
    let r = evaluate(&root.join("dev"), &root.join("metadata.tsv"), |text| {
        let model = crate::text::build(
            text,
            &tr,
            &crate::text::BuildOptions {
                first_line_is_headline: true,
            },
        );
        predictions(
            text,
            &crate::analyze::attribution::extract(text, &model, &rules),
        )
    })
    .unwrap();
    eprintln!("{r}");
    assert!(r.overall.detection.f1 > 0.6);
}
