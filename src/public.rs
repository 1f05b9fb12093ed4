//! Public builds (`build --public`, `serve --public`): what a site for everyone leaves out,
//! and the one function that takes it out of the model (docs/public.md).
//!
//! Redaction happens once, on the model, right after loading and before anything is scored
//! or rendered. Every output — pages, reports, data files, CSV, search indexes, feeds,
//! badges — is made from the model, so a value removed here cannot reach any of them, and
//! no view needs to know which edition it renders.

use crate::model::{Answer, Model};
use crate::sources::config::Dimension;

/// A kind of value a public build can leave out, as `public: {hide: [...]}` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Hidden {
    /// Answer notes and metric value notes.
    Notes,
    /// Answer evidence, links and texts alike.
    Evidence,
    /// Who owns an action (and an exemption).
    Owners,
    /// An audit's auditors.
    Auditors,
    /// Breakdowns of metric values by agent, written or computed from ticket exports.
    Agents,
    /// Links to single tickets: sources' `ticket-url`.
    Tickets,
}

impl Hidden {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [Hidden; 6] = [
        Hidden::Notes,
        Hidden::Evidence,
        Hidden::Owners,
        Hidden::Auditors,
        Hidden::Agents,
        Hidden::Tickets,
    ];

    /// The name `auditbook.yaml` gives it.
    pub fn name(self) -> &'static str {
        match self {
            Hidden::Notes => "notes",
            Hidden::Evidence => "evidence",
            Hidden::Owners => "owners",
            Hidden::Auditors => "auditors",
            Hidden::Agents => "agents",
            Hidden::Tickets => "tickets",
        }
    }

    pub fn parse(name: &str) -> Option<Hidden> {
        Hidden::ALL.into_iter().find(|h| h.name() == name)
    }

    /// Every name, for hints.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Hidden::ALL.into_iter().map(Hidden::name)
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// What a public build leaves out: `public: {hide: [...]}` of `auditbook.yaml`, every kind
/// when it is not set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hide(u8);

impl Default for Hide {
    fn default() -> Self {
        Hide::ALL
    }
}

impl Hide {
    /// Everything: the default.
    pub const ALL: Hide = Hide(0b11_1111);
    /// Nothing (`hide: []`).
    pub const NONE: Hide = Hide(0);

    /// This set with `h` added.
    #[must_use]
    pub fn with(self, h: Hidden) -> Hide {
        Hide(self.0 | h.bit())
    }

    pub fn hides(self, h: Hidden) -> bool {
        self.0 & h.bit() != 0
    }

    /// What it hides, as `auditbook.yaml` names it: `notes, owners`, or `nothing`.
    pub fn describe(self) -> String {
        let names: Vec<&str> = (Hidden::ALL.into_iter())
            .filter(|&h| self.hides(h))
            .map(Hidden::name)
            .collect();
        if names.is_empty() {
            "nothing".to_string()
        } else {
            names.join(", ")
        }
    }
}

impl FromIterator<Hidden> for Hide {
    fn from_iter<I: IntoIterator<Item = Hidden>>(iter: I) -> Hide {
        iter.into_iter().fold(Hide::NONE, Hide::with)
    }
}

/// Takes every value that `hide` names out of `model`, wherever the model holds it. What is
/// left is a model like any other: a page shows no note for an answer without one, whether
/// the note was never written or was taken out here.
///
/// Each kind is one block below, covering every place the model holds that kind of value.
pub fn redact(model: &mut Model, hide: Hide) {
    model.config.left_out = hide;
    if hide.hides(Hidden::Notes) {
        for answer in answers(model) {
            answer.note = None;
        }
        for value in model.snapshots.iter_mut().flat_map(|s| s.values.iter_mut()) {
            value.note = None;
        }
    }
    if hide.hides(Hidden::Evidence) {
        for answer in answers(model) {
            // The whole list, whatever form its entries take.
            answer.evidence.clear();
        }
    }
    if hide.hides(Hidden::Owners) {
        for action in answers(model).filter_map(|a| a.action.as_mut()) {
            action.owner = None;
        }
        // An exemption must name its owner, so an empty one is the owner left out.
        for exemption in &mut model.exemptions {
            exemption.owner.clear();
        }
    }
    if hide.hides(Hidden::Auditors) {
        for audit in model.rounds.iter_mut().flat_map(|r| r.audits.iter_mut()) {
            std::sync::Arc::make_mut(audit).auditors.clear();
        }
    }
    if hide.hides(Hidden::Agents) {
        // Written snapshots (`by: {agent: …}`) and those computed from a ticket export's
        // `agent` column alike: both are in `snapshots`, under the same dimension name.
        for value in model.snapshots.iter_mut().flat_map(|s| s.values.iter_mut()) {
            value.by.retain(|b| b.dimension != Dimension::Agent.name());
        }
        // The pages of ticket sources rank agents and count their ratings.
        for source in &mut model.sources {
            source.hide_agents();
        }
    }
    if hide.hides(Hidden::Tickets) {
        // Ticket ids reach a page only as links made from `ticket-url`.
        for source in &mut model.sources {
            source.hide_tickets();
        }
    }
}

/// Every answer of every audit.
fn answers(model: &mut Model) -> impl Iterator<Item = &mut Answer> {
    model
        .rounds
        .iter_mut()
        .flat_map(|r| r.audits.iter_mut())
        .flat_map(|a| std::sync::Arc::make_mut(a).answers.iter_mut().flatten())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_default_hides_everything() {
        for h in Hidden::ALL {
            assert_eq!(Hidden::parse(h.name()), Some(h));
            assert!(Hide::default().hides(h));
            assert!(!Hide::NONE.hides(h));
        }
        assert_eq!(Hidden::parse("note"), None);
        let notes: Hide = [Hidden::Notes].into_iter().collect();
        assert!(notes.hides(Hidden::Notes));
        assert!(Hidden::ALL[1..].iter().all(|&h| !notes.hides(h)));
        assert_eq!(Hidden::ALL.into_iter().collect::<Hide>(), Hide::ALL);
        assert_eq!(notes.with(Hidden::Tickets).describe(), "notes, tickets");
        assert_eq!(Hide::NONE.describe(), "nothing");
    }
}
