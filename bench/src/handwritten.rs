//! The baseline: the certificate-pack response as a Rust programmer would write it by hand for
//! `serde_json` — derived `Deserialize`, closed enums, `chrono` timestamps, `Option` for what
//! the documentation marks optional.

// The fields exist to be decoded; the benchmarks only keep the values alive with `black_box`.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The response envelope.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    pub success: bool,
    pub errors: Vec<Message>,
    pub messages: Vec<Message>,
    pub result: T,
}

#[derive(Debug, Deserialize)]
pub struct Message {
    pub code: i64,
    pub message: String,
    pub documentation_url: Option<String>,
    pub source: Option<Source>,
}

#[derive(Debug, Deserialize)]
pub struct Source {
    pub pointer: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CertificatePack {
    pub id: String,
    pub certificates: Vec<Certificate>,
    pub hosts: Vec<String>,
    pub status: PackStatus,
    #[serde(rename = "type")]
    pub kind: PackType,
    pub certificate_authority: Option<Authority>,
    pub cloudflare_branding: Option<bool>,
    pub dcv_delegation_records: Option<Vec<ValidationRecord>>,
    pub primary_certificate: Option<String>,
    pub validation_errors: Option<Vec<ValidationError>>,
    pub validation_method: Option<ValidationMethod>,
    pub validation_records: Option<Vec<ValidationRecord>>,
    pub validity_days: Option<u16>,
}

#[derive(Debug, Deserialize)]
pub struct Certificate {
    pub id: String,
    pub hosts: Vec<String>,
    pub status: String,
    pub bundle_method: Option<String>,
    pub expires_on: Option<DateTime<Utc>>,
    pub geo_restrictions: Option<GeoRestrictions>,
    pub issuer: Option<String>,
    pub modified_on: Option<DateTime<Utc>>,
    pub priority: Option<f64>,
    pub signature: Option<String>,
    pub uploaded_on: Option<DateTime<Utc>>,
    pub zone_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GeoRestrictions {
    pub label: Option<GeoLabel>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeoLabel {
    Us,
    Eu,
    HighestSecurity,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackStatus {
    Initializing,
    PendingValidation,
    Deleted,
    PendingIssuance,
    PendingDeployment,
    PendingDeletion,
    PendingExpiration,
    Expired,
    Active,
    InitializingTimedOut,
    ValidationTimedOut,
    IssuanceTimedOut,
    DeploymentTimedOut,
    DeletionTimedOut,
    PendingCleanup,
    StagingDeployment,
    StagingActive,
    Deactivating,
    Inactive,
    BackupIssued,
    HoldingDeployment,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackType {
    MhCustom,
    ManagedHostname,
    SniCustom,
    Universal,
    Advanced,
    TotalTls,
    Keyless,
    LegacyCustom,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    Google,
    LetsEncrypt,
    SslCom,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidationMethod {
    Txt,
    Http,
    Email,
}

#[derive(Debug, Deserialize)]
pub struct ValidationRecord {
    pub cname: Option<String>,
    pub cname_target: Option<String>,
    pub emails: Option<Vec<String>>,
    pub http_body: Option<String>,
    pub http_url: Option<String>,
    pub status: Option<String>,
    pub txt_name: Option<String>,
    pub txt_value: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ValidationError {
    pub message: Option<String>,
}
