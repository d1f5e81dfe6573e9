//! A client for the Pets API (`pets.yaml`), generated at build time by `build.rs` with
//! `openapi_rust_gen::Builder`: `Client`, its methods and `types` come from the included file.

#![forbid(unsafe_code)]

include!(concat!(env!("OUT_DIR"), "/client.rs"));

/// A hand-written helper beside the generated items: the pets' names for a tag.
pub async fn names_for_tag(client: &Client, tag: &str) -> Result<Vec<String>, Error> {
    let params = types::ListPetsParams::default().tag(tag);
    let pets = client.list_pets(&params).await?;
    Ok(pets.into_iter().map(|pet| pet.name).collect())
}
