//! Untagged unions choose the variant that reads the value best: the first that reads every
//! property, else the one that leaves out fewest, at any depth. Models and unions are written
//! as the generator writes them (see the `one_of_any_of` and `implied_discriminator` snapshots).

use cloudflare_ssl::rt::model;
use serde::{Deserialize, Deserializer};

/// An object whose properties are all optional: it reads any object.
#[derive(Debug, PartialEq)]
struct Loose {
    id: Option<String>,
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        model::object(deserializer)
    }
}

impl<'de> model::Object<'de> for Loose {
    const NAME: &'static str = "Loose";
    const FIELDS: &'static [&'static str] = &["id"];
    fn from_map<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut id = None;
        while let Some(key) = model::next_key::<Self, A>(&mut map)? {
            match key {
                model::Key::Field(0) => id = map.next_value()?,
                _ => model::skip(&mut map)?,
            }
        }
        Ok(Loose { id })
    }
}

/// A redirect: `source` and an optional `target`.
#[derive(Debug, PartialEq)]
struct Redirect {
    source: String,
    target: Option<String>,
}

impl<'de> Deserialize<'de> for Redirect {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        model::object(deserializer)
    }
}

impl<'de> model::Object<'de> for Redirect {
    const NAME: &'static str = "Redirect";
    const FIELDS: &'static [&'static str] = &["source", "target"];
    fn from_map<A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut source, mut target) = (None, None);
        while let Some(key) = model::next_key::<Self, A>(&mut map)? {
            match key {
                model::Key::Field(0) => source = Some(map.next_value()?),
                model::Key::Field(1) => target = map.next_value()?,
                _ => model::skip(&mut map)?,
            }
        }
        Ok(Redirect { source: model::required::<_, A::Error>(source, "source")?, target })
    }
}

/// `anyOf: [Loose, Redirect]`, in that order.
#[derive(Debug, PartialEq)]
enum Item {
    Loose(Loose),
    Redirect(Redirect),
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
        let mut pick = model::Pick::new(&value);
        pick.variant(Item::Loose);
        pick.variant(Item::Redirect);
        pick.finish("Item")
    }
}

/// A union of unions: what the inner choice left out counts toward the outer one.
#[derive(Debug, PartialEq)]
enum Outer {
    Loose(Loose),
    Item(Box<Item>),
}

impl<'de> Deserialize<'de> for Outer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
        let mut pick = model::Pick::new(&value);
        pick.variant(Outer::Loose);
        pick.variant(|i| Outer::Item(Box::new(i)));
        pick.finish("Outer")
    }
}

fn read<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).unwrap()
}

#[test]
fn the_variant_that_reads_every_property_wins_over_an_earlier_one() {
    // `Loose` comes first and reads this object too, leaving out both properties.
    assert_eq!(
        read::<Item>(r#"{"source":"a.example/x","target":"b.example"}"#),
        Item::Redirect(Redirect { source: "a.example/x".into(), target: Some("b.example".into()) })
    );
    // What the first variant reads whole, it keeps (spec order breaks ties).
    assert_eq!(read::<Item>(r#"{"id":"7"}"#), Item::Loose(Loose { id: Some("7".into()) }));
    // Neither reads everything: the one that leaves out fewest.
    assert_eq!(
        read::<Item>(r#"{"source":"s","extra":1}"#),
        Item::Redirect(Redirect { source: "s".into(), target: None })
    );
    assert_eq!(read::<Item>(r#"{"id":"7","extra":1,"more":2}"#), Item::Loose(Loose { id: Some("7".into()) }));
}

#[test]
fn an_inner_unions_choice_counts_in_the_outer_one() {
    // `Outer::Loose` leaves out `source` and `target`; `Outer::Item` reads them through `Redirect`.
    assert_eq!(
        read::<Outer>(r#"{"source":"s","target":"t"}"#),
        Outer::Item(Box::new(Item::Redirect(Redirect { source: "s".into(), target: Some("t".into()) })))
    );
    // In an array, each item chooses for itself.
    let items: Vec<Item> = read(r#"[{"id":"1"},{"source":"s"}]"#);
    assert_eq!(
        items,
        vec![
            Item::Loose(Loose { id: Some("1".into()) }),
            Item::Redirect(Redirect { source: "s".into(), target: None })
        ]
    );
}

#[test]
fn no_variant_names_the_union() {
    let e = serde_json::from_str::<Item>("5").unwrap_err();
    assert_eq!(e.to_string(), "data did not match any variant of untagged enum Item");
}
