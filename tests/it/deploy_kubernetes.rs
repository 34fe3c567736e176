//! The Kubernetes manifests in `deploy/kubernetes/`: every document is parsed into the typed
//! Kubernetes API structures (`k8s-openapi`), refusing any field those structures do not know,
//! and checked the way a Haven cluster and its operators rely on it: probes on the paths the
//! application serves, resource limits, a restricted security context, the configuration valid
//! as the pods will see it, and `migrate` in the Job.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, PodSpec, PodTemplateSpec, Probe, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use knooppunt::config::{Config, TransportKind};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes")
}

/// The Secret template: parsed and checked, but never applied by kustomize.
const SECRET_TEMPLATE: &str = "secret.example.yaml";

#[derive(Debug)]
enum Manifest {
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
fn typed<T: DeserializeOwned>(document: serde_norway::Value) -> Result<T, String> {
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
fn parse(file: &str, text: &str) -> Result<Vec<Manifest>, String> {
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
struct Kustomization {
    api_version: String,
    kind: String,
    resources: Vec<String>,
    images: Vec<KustomizeImage>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct KustomizeImage {
    name: String,
    new_name: String,
    new_tag: String,
}

/// Every manifest of the directory, by kind.
#[derive(Default)]
struct Manifests {
    deployments: BTreeMap<String, Deployment>,
    jobs: Vec<Job>,
    config_maps: Vec<ConfigMap>,
    secrets: Vec<Secret>,
    services: Vec<Service>,
    service_accounts: Vec<ServiceAccount>,
    budgets: Vec<PodDisruptionBudget>,
    policies: Vec<NetworkPolicy>,
}

fn kustomization() -> Kustomization {
    let text = std::fs::read_to_string(dir().join("kustomization.yaml")).unwrap();
    let k: Kustomization = serde_norway::from_str(&text).expect("kustomization.yaml");
    assert_eq!(k.api_version, "kustomize.config.k8s.io/v1beta1");
    assert_eq!(k.kind, "Kustomization");
    k
}

fn load() -> Manifests {
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

fn deployment<'a>(all: &'a Manifests, name: &str) -> &'a Deployment {
    all.deployments
        .get(name)
        .unwrap_or_else(|| panic!("no Deployment {name}"))
}

fn pod_spec(template: &PodTemplateSpec) -> &PodSpec {
    template.spec.as_ref().expect("pod spec")
}

fn only_container(spec: &PodSpec) -> &Container {
    assert_eq!(spec.containers.len(), 1, "one container per pod");
    &spec.containers[0]
}

fn template(d: &Deployment) -> &PodTemplateSpec {
    &d.spec.as_ref().expect("Deployment spec").template
}

/// Path and container port number of an HTTP probe (a named port resolved).
fn http_probe(container: &Container, probe: Option<&Probe>, what: &str) -> (String, i32) {
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
fn url_port(url: &str) -> i32 {
    let host = url.rsplit_once('@').map_or(url, |(_, host)| host);
    let host = host.split('/').next().unwrap_or_default();
    host.rsplit_once(':')
        .and_then(|(_, port)| port.parse().ok())
        .unwrap_or_else(|| panic!("{host}: no port"))
}

fn port_of(address: &str) -> i32 {
    address
        .parse::<std::net::SocketAddr>()
        .expect("address with port")
        .port()
        .into()
}

/// The configuration a pod runs with: the ConfigMap file KNOOPPUNT_CONFIG points at, then its
/// environment, Secret references resolved from the Secret template.
fn pod_config(all: &Manifests, spec: &PodSpec) -> Config {
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

#[test]
fn every_manifest_parses_into_the_typed_api_and_kustomize_lists_it() {
    let k = kustomization();
    let all = load();
    assert_eq!(
        all.deployments.keys().collect::<Vec<_>>(),
        ["knooppunt-engine", "knooppunt-intake"]
    );
    assert_eq!(all.jobs.len(), 1);
    assert_eq!(all.config_maps.len(), 1);
    assert_eq!(all.secrets.len(), 1);
    assert_eq!(all.services.len(), 1);
    assert_eq!(all.service_accounts.len(), 1);
    assert_eq!(all.budgets.len(), 2);
    assert_eq!(all.policies.len(), 2);

    // Kustomize applies every file but the Secret template, and nothing that is not here.
    let mut listed = k.resources.clone();
    listed.sort();
    let mut present: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f != "kustomization.yaml" && f != SECRET_TEMPLATE)
        .collect();
    present.sort();
    assert_eq!(listed, present);

    // One image, pinned: kustomize replaces the bare name in every container.
    assert_eq!(k.images.len(), 1);
    assert_eq!(k.images[0].name, "knooppunt");
    assert!(!k.images[0].new_name.is_empty());
    assert!(!k.images[0].new_tag.is_empty() && k.images[0].new_tag != "latest");
    let jobs = all.jobs.iter().map(|j| &j.spec.as_ref().unwrap().template);
    for t in all.deployments.values().map(template).chain(jobs) {
        assert_eq!(
            only_container(pod_spec(t)).image.as_deref(),
            Some("knooppunt")
        );
    }

    // Namespace-agnostic: `kubectl apply -k … -n <namespace>` decides.
    let namespaces = all
        .deployments
        .values()
        .map(|d| &d.metadata)
        .chain(all.jobs.iter().map(|j| &j.metadata))
        .chain(all.config_maps.iter().map(|c| &c.metadata))
        .chain(all.secrets.iter().map(|s| &s.metadata))
        .chain(all.services.iter().map(|s| &s.metadata))
        .chain(all.service_accounts.iter().map(|s| &s.metadata))
        .chain(all.budgets.iter().map(|b| &b.metadata))
        .chain(all.policies.iter().map(|p| &p.metadata))
        .filter_map(|m| m.namespace.clone())
        .collect::<Vec<_>>();
    assert!(namespaces.is_empty(), "{namespaces:?}");
}

#[test]
fn unknown_fields_and_kinds_fail_the_typed_parse() {
    let top = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: {}\nreplicas: 2\n";
    let error = parse("top.yaml", top).unwrap_err();
    assert!(
        error.contains("unknown fields") && error.contains("replicas"),
        "{error}"
    );
    let nested = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  selector: {}\n  template:\n    spec:\n      containers:\n        - name: c\n          livenesProbe: {}\n";
    let error = parse("nested.yaml", nested).unwrap_err();
    assert!(error.contains("livenesProbe"), "{error}");
    let wrong_api = "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: x\n";
    assert!(parse("api.yaml", wrong_api).is_err());
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: x\n";
    assert!(parse("kind.yaml", ingress)
        .unwrap_err()
        .contains("not expected"));
    // The same documents without the mistakes parse.
    let fine = top.replace("replicas: 2\n", "");
    assert!(parse("top.yaml", &fine).is_ok());
    assert!(parse(
        "nested.yaml",
        &nested.replace("livenesProbe", "livenessProbe")
    )
    .is_ok());
}

#[test]
fn deployments_have_probes_limits_and_a_restricted_security_context() {
    let all = load();
    let intake = deployment(&all, "knooppunt-intake");
    let engine = deployment(&all, "knooppunt-engine");
    assert_eq!(intake.spec.as_ref().unwrap().replicas, Some(2));

    let intake_config = pod_config(&all, pod_spec(template(intake)));
    let intake_container = only_container(pod_spec(template(intake)));
    assert_eq!(
        intake_container.args.as_deref(),
        Some(&["intake".to_string()][..])
    );
    // The probes ask the operations listener; the public port carries the traffic.
    let ops = port_of(&intake_config.web.ops_listen);
    let http = intake_container
        .ports
        .iter()
        .flatten()
        .find(|p| p.name.as_deref() == Some("http"));
    assert_eq!(
        http.map(|p| p.container_port),
        Some(port_of(&intake_config.intake.listen))
    );
    assert_eq!(
        http_probe(
            intake_container,
            intake_container.readiness_probe.as_ref(),
            "readiness"
        ),
        ("/readyz".to_string(), ops)
    );
    assert_eq!(
        http_probe(
            intake_container,
            intake_container.liveness_probe.as_ref(),
            "liveness"
        ),
        ("/healthz".to_string(), ops)
    );

    let engine_config = pod_config(&all, pod_spec(template(engine)));
    let engine_container = only_container(pod_spec(template(engine)));
    assert_eq!(
        engine_container.args.as_deref(),
        Some(&["engine".to_string()][..])
    );
    let metrics = port_of(&engine_config.engine.metrics_listen);
    for (probe, what) in [
        (engine_container.readiness_probe.as_ref(), "readiness"),
        (engine_container.liveness_probe.as_ref(), "liveness"),
    ] {
        assert_eq!(
            http_probe(engine_container, probe, what),
            ("/healthz".to_string(), metrics)
        );
    }

    let job_template = &all.jobs[0].spec.as_ref().unwrap().template;
    for t in [template(intake), template(engine), job_template] {
        restricted(pod_spec(t));
    }
}

/// Kubernetes' "restricted" Pod Security Standard, plus limits and a read-only root.
fn restricted(spec: &PodSpec) {
    let pod = spec.security_context.clone().unwrap_or_default();
    assert_eq!(spec.automount_service_account_token, Some(false));
    for c in &spec.containers {
        let name = &c.name;
        let sc = c.security_context.clone().unwrap_or_default();
        let non_root = sc.run_as_non_root.or(pod.run_as_non_root);
        assert_eq!(non_root, Some(true), "{name}: runAsNonRoot");
        let uid = sc.run_as_user.or(pod.run_as_user);
        assert!(uid.is_some_and(|u| u > 0), "{name}: a numeric non-root uid");
        assert_eq!(sc.read_only_root_filesystem, Some(true), "{name}");
        assert_eq!(sc.allow_privilege_escalation, Some(false), "{name}");
        assert_ne!(sc.privileged, Some(true), "{name}");
        let drop = sc.capabilities.and_then(|c| c.drop).unwrap_or_default();
        assert_eq!(drop, ["ALL"], "{name}: drop ALL capabilities");
        let seccomp = sc
            .seccomp_profile
            .or(pod.seccomp_profile.clone())
            .map(|p| p.type_);
        assert_eq!(seccomp.as_deref(), Some("RuntimeDefault"), "{name}");
        let resources = c.resources.clone().unwrap_or_default();
        for (what, set) in [
            ("requests", resources.requests),
            ("limits", resources.limits),
        ] {
            let set = set.unwrap_or_default();
            for key in ["cpu", "memory"] {
                assert!(set.contains_key(key), "{name}: no {key} in {what}");
            }
        }
    }
}

#[test]
fn the_configuration_is_valid_as_every_pod_sees_it_and_matches_the_compose_file() {
    let all = load();
    let job_template = &all.jobs[0].spec.as_ref().unwrap().template;
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/kafka-postgres.toml");
    let reference = Config::load_with_env(Some(&deploy), Vec::new()).expect("kafka-postgres");
    for t in [
        template(deployment(&all, "knooppunt-intake")),
        template(deployment(&all, "knooppunt-engine")),
        job_template,
    ] {
        let config = pod_config(&all, pod_spec(t));
        assert_eq!(config.transport.kind, TransportKind::Kafka);
        assert!(config.store.url.starts_with("postgres://"));
        assert!(
            config.web.secure_cookies,
            "TLS ends at the ingress: Secure cookies"
        );
        let (k, r) = (&config.kafka, &reference.kafka);
        assert_eq!((k.replication_factor, k.min_insync_replicas), (3, 2));
        // Same topics, group and topic settings as deploy/kafka-postgres.toml (compose).
        assert_eq!(
            (
                &k.signals_topic,
                &k.dead_letter_topic,
                &k.group_id,
                k.partitions
            ),
            (
                &r.signals_topic,
                &r.dead_letter_topic,
                &r.group_id,
                r.partitions
            )
        );
        assert_eq!(
            (k.replication_factor, k.min_insync_replicas),
            (r.replication_factor, r.min_insync_replicas)
        );
        assert_eq!(
            (k.retention_ms, k.dead_letter_retention_ms),
            (r.retention_ms, r.dead_letter_retention_ms)
        );
    }
}

#[test]
fn the_job_runs_migrate_with_bounded_retries() {
    let all = load();
    let job = &all.jobs[0];
    let spec = job.spec.as_ref().unwrap();
    let pod = pod_spec(&spec.template);
    assert_eq!(
        only_container(pod).args.as_deref(),
        Some(&["migrate".to_string()][..])
    );
    assert!(matches!(
        pod.restart_policy.as_deref(),
        Some("Never" | "OnFailure")
    ));
    assert!(spec.backoff_limit.is_some_and(|b| b > 0));
    assert!(spec.active_deadline_seconds.is_some());
}

#[test]
fn service_budgets_and_network_policies_select_the_right_pods() {
    let all = load();
    let labels = |name: &str| {
        template(deployment(&all, name))
            .metadata
            .as_ref()
            .and_then(|m| m.labels.clone())
            .unwrap_or_default()
    };
    let selects = |selector: &BTreeMap<String, String>, pod: &BTreeMap<String, String>| {
        !selector.is_empty() && selector.iter().all(|(k, v)| pod.get(k) == Some(v))
    };
    let (intake, engine) = (labels("knooppunt-intake"), labels("knooppunt-engine"));

    let service = all.services[0].spec.as_ref().unwrap();
    assert!(selects(service.selector.as_ref().unwrap(), &intake));
    assert!(!selects(service.selector.as_ref().unwrap(), &engine));
    assert_eq!(
        service.ports.as_ref().unwrap()[0].target_port,
        Some(IntOrString::String("http".into()))
    );

    // A budget for each Deployment that always lets one pod go (a drain can proceed).
    for (name, pods) in [("knooppunt-intake", &intake), ("knooppunt-engine", &engine)] {
        let replicas = deployment(&all, name)
            .spec
            .as_ref()
            .unwrap()
            .replicas
            .unwrap_or(1);
        let budget = all
            .budgets
            .iter()
            .map(|b| b.spec.as_ref().unwrap())
            .find(|b| {
                selects(
                    b.selector.as_ref().unwrap().match_labels.as_ref().unwrap(),
                    pods,
                )
            })
            .unwrap_or_else(|| panic!("no PodDisruptionBudget for {name}"));
        match (&budget.min_available, &budget.max_unavailable) {
            (Some(IntOrString::Int(min)), None) => assert!(*min < replicas, "{name}"),
            (None, Some(IntOrString::Int(max))) => assert!(*max >= 1, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }

    // Ingress: intake's HTTP port and nothing else; egress: DNS, Kafka, PostgreSQL.
    let config = pod_config(
        &all,
        pod_spec(template(deployment(&all, "knooppunt-intake"))),
    );
    let kafka_port: i32 = config
        .kafka
        .brokers
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let pg_port = url_port(&config.store.url);
    let listen = port_of(&config.intake.listen);
    for pods in [&intake, &engine] {
        let policies: Vec<_> = all
            .policies
            .iter()
            .map(|p| p.spec.as_ref().unwrap())
            .filter(|p| {
                let selector = p
                    .pod_selector
                    .as_ref()
                    .and_then(|s| s.match_labels.as_ref());
                selects(selector.expect("podSelector.matchLabels"), pods)
            })
            .collect();
        let types: Vec<String> = policies
            .iter()
            .flat_map(|p| p.policy_types.clone().unwrap_or_default())
            .collect();
        assert!(types.contains(&"Ingress".into()) && types.contains(&"Egress".into()));
        let ingress_ports: Vec<IntOrString> = policies
            .iter()
            .flat_map(|p| p.ingress.iter().flatten())
            .flat_map(|rule| rule.ports.clone().expect("ingress names its port"))
            .filter_map(|port| port.port)
            .collect();
        let expected = if pods == &intake {
            vec![IntOrString::Int(listen)]
        } else {
            vec![]
        };
        assert_eq!(ingress_ports, expected);
        let egress_ports: Vec<IntOrString> = policies
            .iter()
            .flat_map(|p| p.egress.iter().flatten())
            .flat_map(|rule| rule.ports.clone().expect("egress names its port"))
            .filter_map(|port| port.port)
            .collect();
        for port in [53, kafka_port, pg_port] {
            assert!(
                egress_ports.contains(&IntOrString::Int(port)),
                "egress {port}"
            );
        }
        assert_eq!(
            egress_ports.len(),
            4,
            "DNS over UDP and TCP, Kafka, PostgreSQL"
        );
    }
}
