use super::style::hash_unit;
use super::*;

const PNG_SIG: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

fn outlet(name: &str, seed: u64, n: usize, level: f64) -> OutletStats {
    let vals: Vec<f64> = (0..n)
        .map(|i| {
            let u = hash_unit(seed, i as u64);
            let w = hash_unit(seed + 100, i as u64);
            (level * (1.0 + 0.6 * u) + if w > 0.9 { level * 1.5 } else { 0.0 }).max(0.0)
        })
        .collect();
    let mean = vals.iter().sum::<f64>() / n.max(1) as f64;
    let half = 0.15 * level * 10.0 / (n.max(1) as f64).sqrt();
    OutletStats {
        outlet: name.to_string(),
        n,
        loaded_rate: Interval {
            mean: Some(mean),
            ci95_low: Some(mean - half),
            ci95_high: Some(mean + half),
        },
        category_rates: (0..5)
            .map(|j| Some((level * (0.2 + 0.35 * (hash_unit(seed, 1000 + j).abs()))).max(0.0)))
            .collect(),
        side_shares: {
            let a = 0.25 + 0.2 * hash_unit(seed, 7).abs();
            let b = 0.2 + 0.15 * hash_unit(seed, 8).abs();
            let c = 0.15 + 0.1 * hash_unit(seed, 9).abs();
            vec![Some(a), Some(b), Some(c), Some((1.0 - a - b - c) * 0.7)]
        },
        sourcing: vec![
            ("named".into(), Some(0.5 + 0.2 * hash_unit(seed, 11))),
            ("anonymous".into(), Some(0.1 + 0.08 * hash_unit(seed, 12))),
            ("official".into(), Some(0.35 + 0.1 * hash_unit(seed, 13))),
            ("document".into(), Some(0.12 + 0.05 * hash_unit(seed, 14))),
            ("media".into(), Some(0.08 + 0.05 * hash_unit(seed, 15))),
        ],
        article_values: vals,
    }
}

fn keyterms(outlet: &str, seed: u64, words: &[&str]) -> Vec<KeyTerm> {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| KeyTerm {
            outlet: outlet.into(),
            term: w.to_string(),
            z: 2.0 + 9.0 * (hash_unit(seed, i as u64) + 1.0) / 2.0 - 0.4 * i as f64,
        })
        .collect()
}

/// A realistic corpus: five outlets with plausible values.
pub(crate) fn typical() -> ChartInput {
    let names = [
        ("Daily Herald", 1.6, 142),
        ("Morning Post", 3.9, 98),
        ("The Northern Courier", 2.4, 61),
        ("Tribune", 5.2, 203),
        ("Voice of the Valley", 1.1, 35),
    ];
    let outlets = names
        .iter()
        .enumerate()
        .map(|(i, (n, l, c))| outlet(n, i as u64 + 1, *c, *l))
        .collect();
    let words = [
        "crisis", "illegal", "regime", "flood", "radical", "thugs", "invasion", "elite", "chaos",
        "slammed", "hero", "scheme", "war on",
    ];
    let mut keyness = Vec::new();
    for (i, (n, _, _)) in names.iter().enumerate() {
        let mut w = words.to_vec();
        w.rotate_left(i * 2);
        keyness.extend(keyterms(n, 40 + i as u64, &w));
        keyness.push(KeyTerm {
            outlet: n.to_string(),
            term: "under-used".into(),
            z: -3.0,
        });
    }
    ChartInput {
        title_prefix: "Election 2026 corpus".into(),
        outlets,
        categories: vec![
            "immigration".into(),
            "crime_violence".into(),
            "economy".into(),
            "dehumanising".into(),
            "euphemism".into(),
        ],
        sides: vec![
            "government".into(),
            "opposition".into(),
            "civil society".into(),
            "experts".into(),
        ],
        keyness,
    }
}

fn fingerprint_input() -> Fingerprint {
    Fingerprint {
        title: "Minister defends border plan amid protests (Tribune, 2026-03-14)".into(),
        metrics: vec![
            ("loaded_rate".into(), Some(6.8), Some(2.9)),
            ("loaded_rate_headline".into(), Some(12.5), Some(4.1)),
            ("loaded_rate_quoted".into(), Some(3.2), Some(3.5)),
            ("sources_named_share".into(), Some(0.4), Some(0.58)),
            ("sources_anonymous_share".into(), Some(0.3), Some(0.1)),
            ("attribution_count".into(), Some(7.0), Some(9.4)),
            ("unsourced_claim_share".into(), None, Some(0.2)),
        ],
        categories: vec![
            ("immigration".into(), 3.1),
            ("crime_violence".into(), 1.9),
            ("economy".into(), 0.0),
            ("dehumanising".into(), 1.2),
            ("euphemism".into(), 0.6),
        ],
    }
}

fn edge_cases() -> Vec<(&'static str, ChartInput)> {
    let t = typical();
    let mut cases = vec![("typical", t.clone())];
    cases.push(("empty", ChartInput::default()));
    cases.push((
        "one",
        ChartInput {
            outlets: vec![t.outlets[0].clone()],
            keyness: t
                .keyness
                .iter()
                .filter(|k| k.outlet == t.outlets[0].outlet)
                .cloned()
                .collect(),
            ..t.clone()
        },
    ));
    let mut twelve = t.clone();
    twelve.outlets = (0..12)
        .map(|i| {
            outlet(
                &format!("Outlet number {i:02}"),
                100 + i,
                20 + 7 * i as usize,
                1.0 + i as f64 * 0.4,
            )
        })
        .collect();
    twelve.keyness = (0..12)
        .flat_map(|i| {
            keyterms(
                &format!("Outlet number {i:02}"),
                300 + i,
                &["alpha", "beta", "gamma"],
            )
        })
        .collect();
    cases.push(("twelve", twelve));
    let mut missing = t.clone();
    missing.outlets[0].loaded_rate = Interval::default();
    missing.outlets[0].article_values.clear();
    missing.outlets[0].category_rates = vec![None; 5];
    missing.outlets[0].side_shares = vec![None; 4];
    missing.outlets[0].sourcing = vec![("named".into(), None)];
    missing.outlets[1].loaded_rate.ci95_low = None;
    missing.outlets[1].article_values = vec![2.0];
    missing.outlets[2].category_rates.truncate(2);
    missing.outlets[2].side_shares = vec![Some(0.9), Some(0.5)];
    missing.outlets[3].loaded_rate.ci95_low = Some(-1.0);
    missing.outlets[3].article_values.push(f64::NAN);
    missing.keyness.push(KeyTerm {
        outlet: "Tribune".into(),
        term: "nan".into(),
        z: f64::NAN,
    });
    cases.push(("missing", missing));
    let mut zeros = t.clone();
    for o in &mut zeros.outlets {
        o.loaded_rate = Interval {
            mean: Some(0.0),
            ci95_low: Some(0.0),
            ci95_high: Some(0.0),
        };
        o.category_rates = vec![Some(0.0); 5];
        o.side_shares = vec![Some(0.0); 4];
        o.sourcing = o
            .sourcing
            .iter()
            .map(|(k, _)| (k.clone(), Some(0.0)))
            .collect();
        o.article_values = vec![0.0; o.article_values.len()];
    }
    zeros.keyness.clear();
    cases.push(("zeros", zeros));
    let mut names = t.clone();
    let long = "The Extraordinarily Long-Named Regional Evening Chronicle and Advertiser of the Upper Valley";
    let fancy = [
        long,
        "Süddeutsche Zeitung",
        "Новая газета",
        "朝日新聞 Asahi",
        "Le Monde diplomatique — édition spéciale 🗞️",
    ];
    for (o, n) in names.outlets.iter_mut().zip(fancy) {
        o.outlet = n.to_string();
    }
    names.keyness = fancy
        .iter()
        .enumerate()
        .flat_map(|(i, n)| {
            keyterms(
                n,
                i as u64,
                &[
                    "Flüchtlingswelle",
                    "беженцы",
                    "難民",
                    "an absurdly long multi word phrase used as a term",
                ],
            )
        })
        .collect();
    names.categories[1] = "very long category name that will not fit".into();
    names.sides[0] = "government and governing coalition parties".into();
    names.title_prefix = long.into();
    cases.push(("names", names));
    let mut stress = t.clone();
    stress.categories = (0..30).map(|i| format!("category {i}")).collect();
    stress.sides = (0..10).map(|i| format!("side {i}")).collect();
    for (k, o) in stress.outlets.iter_mut().enumerate() {
        o.category_rates = (0..30).map(|j| Some(j as f64 * 1e6)).collect();
        o.side_shares = (0..10)
            .map(|j| Some(if j == 3 { -0.5 } else { 0.1 }))
            .collect();
        o.sourcing = (0..9)
            .map(|j| (format!("kind {j}"), Some(f64::INFINITY.min(0.1 * j as f64))))
            .collect();
        o.loaded_rate.mean = Some(1e9);
        o.loaded_rate.ci95_high = Some(f64::INFINITY);
        o.article_values = (0..2500)
            .map(|i| hash_unit(k as u64, i).abs() * 1e3)
            .collect();
    }
    stress.outlets[0].loaded_rate.mean = Some(f64::NAN);
    stress.keyness.push(KeyTerm {
        outlet: "Ghost outlet".into(),
        term: "boo".into(),
        z: f64::INFINITY,
    });
    cases.push(("stress", stress));
    cases
}

fn render_everything(input: &ChartInput, dir: &Path) -> Vec<PathBuf> {
    let paths = draw_all(input, dir, &[Format::Png, Format::Svg]).unwrap();
    assert_eq!(paths.len(), 12);
    paths
}

fn check_file(p: &Path) -> Vec<u8> {
    let bytes = std::fs::read(p).unwrap();
    assert!(!bytes.is_empty(), "{} is empty", p.display());
    match p.extension().and_then(|e| e.to_str()) {
        Some("png") => assert_eq!(bytes[..8], PNG_SIG, "{} is not a PNG", p.display()),
        Some("svg") => {
            let s = String::from_utf8(bytes.clone()).unwrap();
            assert!(s.contains("<svg"), "{} is not an SVG", p.display());
        }
        other => panic!("unexpected extension {other:?}"),
    }
    bytes
}

#[test]
fn every_chart_renders_for_every_case_deterministically() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, input) in edge_cases() {
        let a = tmp.path().join(format!("{name}_a"));
        let pa = render_everything(&input, &a);
        // Rendering twice is slow in debug builds: compare bytes for the richest cases, check the rest.
        if matches!(name, "typical" | "names" | "missing") {
            let b = tmp.path().join(format!("{name}_b"));
            let pb = render_everything(&input, &b);
            for (x, y) in pa.iter().zip(&pb) {
                assert_eq!(x.file_name(), y.file_name());
                assert_eq!(
                    check_file(x),
                    check_file(y),
                    "{name}: {} differs",
                    x.display()
                );
            }
        } else {
            for p in &pa {
                check_file(p);
            }
        }
        let names: Vec<String> = pa
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for stem in CHART_NAMES {
            assert!(
                names.contains(&format!("{stem}.png")),
                "{name}: {stem}.png missing"
            );
            assert!(
                names.contains(&format!("{stem}.svg")),
                "{name}: {stem}.svg missing"
            );
        }
    }
}

#[test]
fn fingerprint_renders_typical_and_edge_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cases = vec![fingerprint_input(), Fingerprint::default()];
    let mut zero = fingerprint_input();
    zero.metrics = zero
        .metrics
        .iter()
        .map(|(n, _, _)| (n.clone(), Some(0.0), Some(0.0)))
        .collect();
    zero.categories = zero
        .categories
        .iter()
        .map(|(n, _)| (n.clone(), 0.0))
        .collect();
    cases.push(zero);
    let mut odd = fingerprint_input();
    odd.metrics.push((
        "a metric with a very very long and unwieldy name indeed".into(),
        None,
        None,
    ));
    odd.metrics.push(("negative".into(), Some(-2.0), Some(1.0)));
    odd.categories.push(("NaN category".into(), f64::NAN));
    odd.title = "Ünïcödé — 朝日新聞 ".repeat(10);
    cases.push(odd);
    for (i, fp) in cases.iter().enumerate() {
        for f in [Format::Png, Format::Svg] {
            let a = fingerprint(fp, &tmp.path().join(format!("a{i}")), f).unwrap();
            let b = fingerprint(fp, &tmp.path().join(format!("b{i}")), f).unwrap();
            assert_eq!(
                a.file_name().unwrap(),
                format!("fingerprint.{}", f.extension()).as_str()
            );
            assert_eq!(check_file(&a), check_file(&b));
        }
    }
}

#[test]
fn input_loads_from_json() {
    let json = r#"{
        "title_prefix": "Test",
        "outlets": [{"outlet": "A", "n": 3,
                     "loaded_rate": {"mean": 1.5, "ci95_low": 0.5, "ci95_high": null},
                     "category_rates": [1.0, null],
                     "side_shares": [0.5, 0.5],
                     "sourcing": [["named", 0.6], ["anonymous", null]],
                     "article_values": [1.0, 2.0, 1.5]}],
        "categories": ["x", "y"],
        "sides": ["s1", "s2"],
        "keyness": [{"outlet": "A", "term": "crisis", "z": 4.2}]
    }"#;
    let input: ChartInput = serde_json::from_str(json).unwrap();
    assert_eq!(
        input.outlets[0].sourcing[1],
        ("anonymous".to_string(), None)
    );
    assert_eq!(input.outlets[0].loaded_rate.ci95_high, None);
    // Missing fields default.
    let minimal: ChartInput = serde_json::from_str(r#"{"outlets": [{"outlet": "B"}]}"#).unwrap();
    assert_eq!(minimal.outlets[0].n, 0);
    let tmp = tempfile::tempdir().unwrap();
    render_everything(&input, tmp.path());
    render_everything(&minimal, tmp.path());
}

#[test]
fn format_parses() {
    assert_eq!("PNG".parse::<Format>().unwrap(), Format::Png);
    assert_eq!("svg".parse::<Format>().unwrap(), Format::Svg);
    assert!("jpeg".parse::<Format>().is_err());
}

#[test]
fn unwritable_directory_is_an_error_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not_a_dir");
    std::fs::write(&file, b"x").unwrap();
    assert!(loaded_rate(&typical(), &file, Format::Png).is_err());
    assert!(loaded_rate(&typical(), &file, Format::Svg).is_err());
}

#[test]
fn truncation_adds_ellipsis_and_fits() {
    ensure_fonts();
    let s = style::fit(
        "The Extraordinarily Long-Named Regional Evening Chronicle",
        200,
        16,
        false,
    );
    assert!(s.ends_with('…'), "{s}");
    assert!(style::text_width(&s, 16, false) <= 200);
    assert_eq!(style::fit("Short", 200, 16, false), "Short");
    // Never splits a grapheme.
    let s = style::fit(
        "e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}",
        30,
        16,
        false,
    );
    assert!(!s.starts_with('\u{301}'));
}

/// Renders every case into `/tmp/charts/<case>/` for looking at the pictures:
/// `cargo test --lib chart::tests::render_gallery -- --ignored`.
#[test]
#[ignore]
fn render_gallery() {
    let root = std::env::var("CHART_GALLERY").unwrap_or_else(|_| "/tmp/charts".into());
    for (name, input) in edge_cases() {
        let dir = Path::new(&root).join(name);
        draw_all(&input, &dir, &[Format::Png, Format::Svg]).unwrap();
    }
    fingerprint(
        &fingerprint_input(),
        Path::new(&root).join("typical").as_path(),
        Format::Png,
    )
    .unwrap();
    let mut odd = fingerprint_input();
    odd.metrics.push((
        "a metric with a very very long and unwieldy name indeed".into(),
        None,
        None,
    ));
    odd.metrics.push(("negative".into(), Some(-2.0), Some(1.0)));
    odd.categories.push(("NaN category".into(), f64::NAN));
    fingerprint(
        &odd,
        Path::new(&root).join("missing").as_path(),
        Format::Png,
    )
    .unwrap();
    fingerprint(
        &Fingerprint::default(),
        Path::new(&root).join("empty").as_path(),
        Format::Png,
    )
    .unwrap();
}
