//! Analyzers: loaded terms ([`loaded`]), attributions ([`attribution`]) and sourcing. Each takes the text
//! model and compiled lexicon data and returns plain findings; [`ArticleRecord`] is what one article yields.

pub mod attribution;
