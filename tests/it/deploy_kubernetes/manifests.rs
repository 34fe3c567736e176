//! Reading `deploy/kubernetes/`: every document into its typed Kubernetes API structure, and
//! helpers to look at pods the way the kubelet and Knooppunt's configuration loader will.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, PodSpec, PodTemplateSpec, Probe, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use knooppunt::config::Config;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes")
}

/// The Secret template: parsed and checked, but never applied by kustomize.
pub const SECRET_TEMPLATE: &str = "secret.example.yaml";

#[derive(Debug)]
pub enum Manifest {
    Deployment(Box<Deployment>),
    Job(Box<Job>),
    ConfigMap(Box<ConfigMap>),
    Secret(Box<Secret>),
    Service(Box<Service>),
    ServiceAccount(Box<ServiceAccount>),
    PodDisruptionBudget(Box<PodDisruptionBudget>),
    NetworkPolicy(Box<NetworkPolicy>),
}

/// One YAML document into `T`; a field `T` ignores (a typo, a wrong level) is an error.
pub fn typed<T: DeserializeOwned>(document: serde_norway::Value) -> Result<T, String> {
    let mut ignored = Vec::new();
    let value = serde_ignored::deserialize(document, |path| ignored.push(path.to_string()))
        .map_err(|e| e.to_string())?;
    if ignored.is_empty() {
        Ok(value)
    } else {
        Err(format!("unknown fields {ignored:?}"))
    }
}

/// Every document of a manifest file, dispatched on its `kind`.
pub fn parse(file: &str, text: &str) -> Result<Vec<Manifest>, String> {
    let mut manifests = Vec::new();
    for document in serde_norway::Deserializer::from_str(text) {
        let value = serde_norway::Value::deserialize(document)
            .map_err(|e| format!("{file}: no YAML: {e}"))?;
        let kind = value
            .get("kind")
            .and_then(|k| k.as_str())
            .ok_or_else(|| format!("{file}: a document without kind"))?
            .to_string();
        let manifest = match kind.as_str() {
            "Deployment" => typed(value).map(|d| Manifest::Deployment(Box::new(d))),
            "Job" => typed(value).map(|j| Manifest::Job(Box::new(j))),
            "ConfigMap" => typed(value).map(|m| Manifest::ConfigMap(Box::new(m))),
            "Secret" => typed(value).map(|m| Manifest::Secret(Box::new(m))),
            "Service" => typed(value).map(|m| Manifest::Service(Box::new(m))),
            "ServiceAccount" => typed(value).map(|m| Manifest::ServiceAccount(Box::new(m))),
            "PodDisruptionBudget" => {
                typed(value).map(|m| Manifest::PodDisruptionBudget(Box::new(m)))
            }
            "NetworkPolicy" => typed(value).map(|m| Manifest::NetworkPolicy(Box::new(m))),
            other => Err(format!("kind {other} is not expected here")),
        };
        manifests.push(manifest.map_err(|e| format!("{file}: {kind}: {e}"))?);
    }
    Ok(manifests)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Kustomization {
    pub api_version: String,
    pub kind: String,
    pub resources: Vec<String>,
    pub images: Vec<KustomizeImage>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct KustomizeImage {
    pub name: String,
    pub new_name: String,
    pub new_tag: String,
}

/// Every manifest of the directory, by kind.
#[derive(Default)]
pub struct Manifests {
    pub deployments: BTreeMap<String, Deployment>,
    pub jobs: Vec<Job>,
    pub config_maps: Vec<ConfigMap>,
    pub secrets: Vec<Secret>,
    pub services: Vec<Service>,
    pub service_accounts: Vec<ServiceAccount>,
    pub budgets: Vec<PodDisruptionBudget>,
    pub policies: Vec<NetworkPolicy>,
}

pub fn kustomization() -> Kustomization {
    let text = std::fs::read_to_string(dir().join("kustomization.yaml")).unwrap();
    let k: Kustomization = serde_norway::from_str(&text).expect("kustomization.yaml");
    assert_eq!(k.api_version, "kustomize.config.k8s.io/v1beta1");
    assert_eq!(k.kind, "Kustomization");
    k
}

pub fn load() -> Manifests {
    let mut all = Manifests::default();
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "kustomization.yaml")
        .collect();
    files.sort();
    for file in &files {
        assert!(file.ends_with(".yaml"), "{file}: only .yaml files here");
        let text = std::fs::read_to_string(dir().join(file)).unwrap();
        for manifest in parse(file, &text).unwrap_or_else(|e| panic!("{e}")) {
            match manifest {
                Manifest::Deployment(d) => {
                    let name = d.metadata.name.clone().expect("Deployment name");
                    all.deployments.insert(name, *d);
                }
                Manifest::Job(j) => all.jobs.push(*j),
                Manifest::ConfigMap(c) => all.config_maps.push(*c),
                Manifest::Secret(s) => all.secrets.push(*s),
                Manifest::Service(s) => all.services.push(*s),
                Manifest::ServiceAccount(s) => all.service_accounts.push(*s),
                Manifest::PodDisruptionBudget(p) => all.budgets.push(*p),
                Manifest::NetworkPolicy(n) => all.policies.push(*n),
            }
        }
    }
    all
}

pub fn deployment<'a>(all: &'a Manifests, name: &str) -> &'a Deployment {
    all.deployments
        .get(name)
        .unwrap_or_else(|| panic!("no Deployment {name}"))
}

pub fn pod_spec(template: &PodTemplateSpec) -> &PodSpec {
    template.spec.as_ref().expect("pod spec")
}

pub fn only_container(spec: &PodSpec) -> &Container {
    assert_eq!(spec.containers.len(), 1, "one container per pod");
    &spec.containers[0]
}

pub fn template(d: &Deployment) -> &PodTemplateSpec {
    &d.spec.as_ref().expect("Deployment spec").template
}

/// Path and container port number of an HTTP probe (a named port resolved).
pub fn http_probe(container: &Container, probe: Option<&Probe>, what: &str) -> (String, i32) {
    let probe = probe.unwrap_or_else(|| panic!("{}: no {what}", container.name));
    let get = probe
        .http_get
        .as_ref()
        .unwrap_or_else(|| panic!("{}: {what} is not an HTTP GET", container.name));
    let port = match &get.port {
        IntOrString::Int(port) => *port,
        IntOrString::String(name) => {
            container
                .ports
                .iter()
                .flatten()
                .find(|p| p.name.as_deref() == Some(name))
                .unwrap_or_else(|| panic!("{}: {what} names unknown port {name}", container.name))
                .container_port
        }
    };
    (get.path.clone().unwrap_or_default(), port)
}

/// The port of `scheme://user:password@host:port/path`.
pub fn url_port(url: &str) -> i32 {
    let host = url.rsplit_once('@').map_or(url, |(_, host)| host);
    let host = host.split('/').next().unwrap_or_default();
    host.rsplit_once(':')
        .and_then(|(_, port)| port.parse().ok())
        .unwrap_or_else(|| panic!("{host}: no port"))
}

pub fn port_of(address: &str) -> i32 {
    address
        .parse::<std::net::SocketAddr>()
        .expect("address with port")
        .port()
        .into()
}

/// The configuration a pod runs with: the ConfigMap file KNOOPPUNT_CONFIG points at, then its
/// environment, Secret references resolved from the Secret template.
pub fn pod_config(all: &Manifests, spec: &PodSpec) -> Config {
    let container = only_container(spec);
    let env = container.env.as_deref().unwrap_or_default();
    let config_path = env
        .iter()
        .find(|e| e.name == "KNOOPPUNT_CONFIG")
        .and_then(|e| e.value.clone())
        .unwrap_or_else(|| panic!("{}: no KNOOPPUNT_CONFIG", container.name));
    let (mount, key) = config_path.rsplit_once('/').expect("absolute path");
    let volume_name = &container
        .volume_mounts
        .iter()
        .flatten()
        .find(|m| m.mount_path == mount)
        .unwrap_or_else(|| panic!("{}: nothing mounted at {mount}", container.name))
        .name;
    let volume = spec
        .volumes
        .iter()
        .flatten()
        .find(|v| &v.name == volume_name)
        .expect("mounted volume exists");
    let map_name = &volume.config_map.as_ref().expect("a ConfigMap volume").name;
    let map = all
        .config_maps
        .iter()
        .find(|c| c.metadata.name.as_ref() == Some(map_name))
        .unwrap_or_else(|| panic!("no ConfigMap {map_name}"));
    let toml = map
        .data
        .as_ref()
        .and_then(|d| d.get(key))
        .unwrap_or_else(|| panic!("ConfigMap {map_name} has no {key}"));

    let mut vars = Vec::new();
    for var in env.iter().filter(|e| e.name.starts_with("KNOOPPUNT__")) {
        let value = match (&var.value, &var.value_from) {
            (Some(value), None) => value.clone(),
            (None, Some(from)) => {
                let secret_ref = from.secret_key_ref.as_ref().expect("from a Secret");
                let secret = all
                    .secrets
                    .iter()
                    .find(|s| s.metadata.name.as_ref() == Some(&secret_ref.name))
                    .unwrap_or_else(|| panic!("no Secret template {}", secret_ref.name));
                secret
                    .string_data
                    .as_ref()
                    .and_then(|d| d.get(&secret_ref.key))
                    .unwrap_or_else(|| panic!("Secret template lacks {}", secret_ref.key))
                    .clone()
            }
            _ => panic!("{}: a value or a Secret reference", var.name),
        };
        vars.push((var.name.clone(), value));
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), toml).unwrap();
    Config::load_with_env(Some(file.path()), vars)
        .unwrap_or_else(|e| panic!("{}: configuration refused: {e}", container.name))
}
