//! The Kubernetes manifests in `deploy/kubernetes/`: every document is parsed into the typed
//! Kubernetes API structures (`k8s-openapi`), refusing any field those structures do not know,
//! and checked the way a Haven cluster and its operators rely on it: probes on the paths the
//! application serves, resource limits, a restricted security context, the configuration valid
//! as the pods will see it, and `migrate` in the Job.

mod manifests;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use knooppunt::config::{Config, TransportKind};
use manifests::*;
use std::collections::BTreeMap;
use std::path::Path;

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
    let intake_container = running(intake, "intake");
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
    for (probe, what, path) in [
        (&intake_container.readiness_probe, "readiness", "/readyz"),
        (&intake_container.liveness_probe, "liveness", "/healthz"),
    ] {
        let asked = http_probe(intake_container, probe.as_ref(), what);
        assert_eq!(asked, (path.to_string(), ops));
    }

    let engine_config = pod_config(&all, pod_spec(template(engine)));
    let engine_container = running(engine, "engine");
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

/// The port numbers of a direction's network policy rules; every rule must name its ports.
fn port_numbers<'a>(
    rules: impl Iterator<Item = &'a Option<Vec<k8s_openapi::api::networking::v1::NetworkPolicyPort>>>,
    direction: &str,
) -> Vec<IntOrString> {
    rules
        .flat_map(|ports| {
            let ports = ports.clone();
            ports.unwrap_or_else(|| panic!("{direction} names its port"))
        })
        .filter_map(|port| port.port)
        .collect()
}

/// The only container of `deployment`, which must run `knooppunt <command>`.
fn running<'a>(
    deployment: &'a k8s_openapi::api::apps::v1::Deployment,
    command: &str,
) -> &'a k8s_openapi::api::core::v1::Container {
    let container = only_container(pod_spec(template(deployment)));
    assert_eq!(container.args.as_deref(), Some(&[command.to_string()][..]));
    container
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
        let ingress = policies.iter().flat_map(|p| p.ingress.iter().flatten());
        let ingress_ports = port_numbers(ingress.map(|rule| &rule.ports), "ingress");
        let expected = if pods == &intake {
            vec![IntOrString::Int(listen)]
        } else {
            vec![]
        };
        assert_eq!(ingress_ports, expected);
        let egress = policies.iter().flat_map(|p| p.egress.iter().flatten());
        let egress_ports = port_numbers(egress.map(|rule| &rule.ports), "egress");
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
