//! Compares an endpoint file with its page: every fact the page states must be in the spec
//! with the same value (and cite the page, not infer it), and every fact the spec says the page
//! states must be on the page. Facts the spec takes from other pages, or infers, are not the
//! page's to contradict.

use super::page_model::Page;
use super::params::{Marker, Param};
use crate::document::raw::{
    ApiDocument, Constraint, EndpointSpec, FieldSpec, Located, ResultCodeSpec, RuleSpec,
};

/// Where a difference is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A line of the page.
    Page(usize),
    /// A line of the spec file.
    Spec(u32),
    /// A line of `api.yaml` (a shared enum or result-code table).
    Api(u32),
}

/// One fact on which the spec and the page differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Difference {
    /// Where to look.
    pub at: Place,
    /// What differs.
    pub message: String,
}

/// Where a spec item says it comes from, with inheritance applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cited<'a> {
    Page,
    Other,
    Inferred(&'a str),
}

struct Differ<'a> {
    page_id: &'a str,
    found: Vec<Difference>,
}

impl<'a> Differ<'a> {
    fn cited(
        &self,
        source: Option<&'a Located<String>>,
        inferred: Option<&'a Located<String>>,
        inherited: Cited<'a>,
    ) -> Cited<'a> {
        match (source, inferred) {
            (Some(s), _) if s.value == self.page_id => Cited::Page,
            (Some(_), _) => Cited::Other,
            (None, Some(why)) => Cited::Inferred(&why.value),
            (None, None) => inherited,
        }
    }

    fn constraint<T>(&self, c: &'a Constraint<T>, field: Cited<'a>) -> Cited<'a> {
        match c {
            Constraint::Bare(_) => field,
            Constraint::Annotated(a) => match (&a.source, &a.inferred) {
                (Some(s), _) if s == self.page_id => Cited::Page,
                (Some(_), _) => Cited::Other,
                (None, Some(why)) => Cited::Inferred(why),
                (None, None) => field,
            },
        }
    }

    fn note(&mut self, at: Place, message: String) {
        self.found.push(Difference { at, message });
    }

    /// A fact the page states: the spec must have it, cited to the page.
    fn stated(&mut self, at: Place, what: &str, cited: Cited<'_>) {
        if let Cited::Inferred(why) = cited {
            self.note(
                at,
                format!("the page states {what}; the spec infers it (\"{why}\"): cite the page"),
            );
        }
    }
}

/// Every difference between `spec` (with the shared types and tables of `api`) and `page`,
/// whose id in `sources:` is `page_id`.
pub(crate) fn differences(
    page: &Page,
    spec: &EndpointSpec,
    api: &ApiDocument,
    page_id: &str,
) -> Vec<Difference> {
    let mut differ = Differ {
        page_id,
        found: Vec::new(),
    };
    for (section, params, message) in [
        ("request", &page.request, &spec.request),
        ("response", &page.response, &spec.response),
    ] {
        compare_fields(&mut differ, api, section, params, &message.fields);
        compare_rules(&mut differ, section, params, &message.rules);
    }
    compare_codes(&mut differ, page, spec, api);
    differ.found
}

fn compare_fields<'a>(
    differ: &mut Differ<'a>,
    api: &'a ApiDocument,
    section: &str,
    params: &[Param],
    fields: &'a [FieldSpec],
) {
    for param in params {
        let at = Place::Page(param.line);
        let Some(field) = fields.iter().find(|f| {
            f.name.value == param.name || f.aliases.iter().any(|a| a.value == param.name)
        }) else {
            differ.note(
                at,
                format!(
                    "{section} parameter `{}` is on the page, not in the spec",
                    param.name
                ),
            );
            continue;
        };
        // A field only the page's sample shows: the page states that it exists, and the spec
        // may cite the page or infer the rest.
        if param.from_sample {
            continue;
        }
        let name = &param.name;
        let cited = differ.cited(field.source.as_ref(), field.inferred.as_ref(), Cited::Other);
        differ.stated(at, &format!("`{name}`"), cited);
        let required = field.required.as_ref();
        let spec_required = required.is_some_and(|r| *r.value.value());
        let required_cited = required.map_or(cited, |r| differ.constraint(&r.value, cited));
        match (param.marker == Marker::Required, spec_required) {
            (true, false) => differ.note(
                at,
                format!("the page marks `{name}` REQUIRED; the spec does not require it"),
            ),
            (true, true) => differ.stated(at, &format!("that `{name}` is required"), required_cited),
            // A page may say it in words instead of the marker ("mandatory only when the
            // template is being updated", on the update page itself).
            (false, true) if required_cited == Cited::Page && !says_required(&param.description) => differ.note(
                Place::Spec(field.name.at.line),
                format!("the spec cites the page for `{name}` being required; the page does not mark it REQUIRED"),
            ),
            _ => {}
        }
        let spec_max = field.max_length.as_ref();
        // An enum takes no length: its values bound it, and lint refuses one.
        let is_enum = field.ty.value == "enum";
        match (&param.max_length, spec_max) {
            (Some(_), None) if is_enum => {}
            (Some(page_max), None) => differ.note(
                Place::Page(page_max.line),
                format!(
                    "the page gives `{name}` at most {} characters; the spec gives no length",
                    page_max.value
                ),
            ),
            // A length the spec takes from another page, saying so, is that page's: where
            // pages disagree, the spec records which it follows (spec/README.md).
            (Some(_), Some(spec_max))
                if matches!(differ.constraint(&spec_max.value, cited), Cited::Other) => {}
            (Some(page_max), Some(spec_max)) if page_max.value != *spec_max.value.value() => {
                differ.note(
                    Place::Page(page_max.line),
                    format!(
                        "the page gives `{name}` at most {} characters; the spec says {}",
                        page_max.value,
                        spec_max.value.value()
                    ),
                );
            }
            (Some(page_max), Some(spec_max)) => differ.stated(
                Place::Page(page_max.line),
                &format!("`{name}`'s length"),
                differ.constraint(&spec_max.value, cited),
            ),
            (None, Some(spec_max)) if differ.constraint(&spec_max.value, cited) == Cited::Page => {
                differ.note(
                    Place::Spec(spec_max.at.line),
                    format!("the spec cites the page for `{name}` at most {} characters; the page gives no length", spec_max.value.value()),
                );
            }
            _ => {}
        }
        match (param.nullable, field.nullable) {
            (Some(line), false) => differ.note(
                Place::Page(line),
                format!("the page says `{name}` can be NULL; the spec does not"),
            ),
            (None, true) if cited == Cited::Page => differ.note(
                Place::Spec(field.name.at.line),
                format!(
                    "the spec cites the page for `{name}` being nullable; the page does not say so"
                ),
            ),
            _ => {}
        }
        compare_values(differ, api, param, field, cited);
    }
    for field in fields {
        let on_page = params
            .iter()
            .any(|p| p.name == field.name.value || field.aliases.iter().any(|a| a.value == p.name));
        let cited = differ.cited(field.source.as_ref(), field.inferred.as_ref(), Cited::Other);
        if !on_page && cited == Cited::Page {
            differ.note(
                Place::Spec(field.name.at.line),
                format!(
                    "the spec cites the page for {section} field `{}`, which the page does not list",
                    field.name.value
                ),
            );
        }
    }
}

fn compare_values<'a>(
    differ: &mut Differ<'a>,
    api: &'a ApiDocument,
    param: &Param,
    field: &'a FieldSpec,
    field_cited: Cited<'a>,
) {
    // Inline values cite through the field; a shared enum's through the type.
    let (values, inherited, place): (_, _, fn(u32) -> Place) = match &field.values {
        Some(values) => (Some(&values.value), field_cited, Place::Spec),
        None => match api.types.iter().find(|t| t.name.value == field.ty.value) {
            Some(shared) => (
                shared.values.as_ref().map(|v| &v.value),
                differ.cited(
                    shared.source.as_ref(),
                    shared.inferred.as_ref(),
                    Cited::Other,
                ),
                Place::Api,
            ),
            None => (None, Cited::Other, Place::Spec),
        },
    };
    let values = values.map(Vec::as_slice).unwrap_or_default();
    let name = &param.name;
    for value in &param.values {
        match values.iter().find(|v| v.value.value == value.value) {
            None => differ.note(
                Place::Page(value.line),
                format!(
                    "value `{}` of `{name}` is on the page, not in the spec",
                    value.value
                ),
            ),
            Some(spec) => {
                let cited = differ.cited(spec.source.as_ref(), spec.inferred.as_ref(), inherited);
                differ.stated(
                    Place::Page(value.line),
                    &format!("value `{}` of `{name}`", value.value),
                    cited,
                );
            }
        }
    }
    for spec in values {
        let cited = differ.cited(spec.source.as_ref(), spec.inferred.as_ref(), inherited);
        if cited == Cited::Page && !param.values.iter().any(|v| v.value == spec.value.value) {
            differ.note(
                place(spec.value.at.line),
                format!(
                    "the spec cites the page for value `{}` of `{name}`, which the page does not list",
                    spec.value.value
                ),
            );
        }
    }
}

/// A rule as a comparable fact: an "either" pair, sorted, with no value; or a condition
/// (field, deciding field, value).
type RuleFact = (String, String, Option<String>);

/// A rule as a comparable fact.
fn rule_fact(rule: &RuleSpec) -> Option<RuleFact> {
    let pair = |names: &[Located<String>]| match names {
        [a, b] if a.value <= b.value => Some((a.value.clone(), b.value.clone(), None)),
        [a, b] => Some((b.value.clone(), a.value.clone(), None)),
        _ => None,
    };
    if let Some(names) = rule
        .exactly_one_of
        .as_ref()
        .or(rule.at_least_one_of.as_ref())
    {
        return pair(names);
    }
    rule.required_when.as_ref().map(|w| {
        (
            w.field.value.clone(),
            w.when.value.clone(),
            Some(w.equals.value.clone()),
        )
    })
}

fn compare_rules<'a>(
    differ: &mut Differ<'a>,
    section: &str,
    params: &[Param],
    rules: &'a [Located<RuleSpec>],
) {
    let mut on_page: Vec<(RuleFact, usize)> = Vec::new();
    for param in params {
        if let Some(either) = &param.either {
            let (a, b) = &either.value;
            let pair = if a <= b {
                (a.clone(), b.clone(), None)
            } else {
                (b.clone(), a.clone(), None)
            };
            if !on_page.iter().any(|(f, _)| *f == pair) {
                on_page.push((pair, either.line));
            }
        }
        if let Some(when) = &param.required_when {
            let fact = (
                param.name.clone(),
                when.value.0.clone(),
                Some(when.value.1.clone()),
            );
            on_page.push((fact, when.line));
        }
    }
    let spec: Vec<_> = rules
        .iter()
        .filter_map(|r| Some((rule_fact(&r.value)?, r)))
        .collect();
    for (fact, line) in &on_page {
        match spec.iter().find(|(f, _)| f == fact) {
            None => differ.note(
                Place::Page(*line),
                format!(
                    "the page's {section} rule on `{}` and `{}` is not in the spec",
                    fact.0, fact.1
                ),
            ),
            Some((_, rule)) => {
                let cited = differ.cited(
                    rule.value.source.as_ref(),
                    rule.value.inferred.as_ref(),
                    Cited::Other,
                );
                differ.stated(
                    Place::Page(*line),
                    &format!("the rule on `{}` and `{}`", fact.0, fact.1),
                    cited,
                );
            }
        }
    }
    for (fact, rule) in &spec {
        let cited = differ.cited(
            rule.value.source.as_ref(),
            rule.value.inferred.as_ref(),
            Cited::Other,
        );
        if cited == Cited::Page && !on_page.iter().any(|(f, _)| f == fact) {
            differ.note(
                Place::Spec(rule.at.line),
                format!("the spec cites the page for its {section} rule on `{}` and `{}`, which the page does not state", fact.0, fact.1),
            );
        }
    }
}

fn compare_codes<'a>(
    differ: &mut Differ<'a>,
    page: &Page,
    spec: &'a EndpointSpec,
    api: &'a ApiDocument,
) {
    let table = spec.result_code_table.as_ref().and_then(|name| {
        api.result_code_tables
            .iter()
            .find(|t| t.name.value == name.value)
    });
    let (codes, place): (&'a [ResultCodeSpec], fn(u32) -> Place) = match (&spec.result_codes, table)
    {
        (Some(codes), _) => (&codes.value, Place::Spec),
        (None, Some(table)) => (&table.codes.value, Place::Api),
        (None, None) => (&[], Place::Spec),
    };
    for row in &page.codes {
        let at = Place::Page(row.line);
        match codes.iter().find(|c| c.code.value == row.code) {
            None => differ.note(
                at,
                format!("result code `{}` is on the page, not in the spec", row.code),
            ),
            Some(code) if code.status.value != row.status => differ.note(
                at,
                format!(
                    "the page gives `{}` the status {}; the spec says {}",
                    row.code, row.status, code.status.value
                ),
            ),
            Some(code) => {
                let cited =
                    differ.cited(code.source.as_ref(), code.inferred.as_ref(), Cited::Other);
                differ.stated(
                    at,
                    &format!("result code `{}` and its status", row.code),
                    cited,
                );
            }
        }
    }
    for code in codes {
        let cited = differ.cited(code.source.as_ref(), code.inferred.as_ref(), Cited::Other);
        if cited == Cited::Page && !page.codes.iter().any(|r| r.code == code.code.value) {
            differ.note(
                place(code.code.at.line),
                format!(
                    "the spec cites the page for result code `{}`, which the page does not list",
                    code.code.value
                ),
            );
        }
    }
}

/// Whether a parameter's prose says it is required, as a page does where its marker column
/// says N: "mandatory only when the template is being updated".
fn says_required(description: &str) -> bool {
    let lower = description.to_ascii_lowercase();
    lower.contains("mandatory") || lower.contains("required when") || lower.contains("required if")
}
