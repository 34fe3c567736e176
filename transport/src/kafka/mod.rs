//! Kafka: the signals topic, its dead-letter topic and the cluster events topic.
//!
//! - [`settings`]: the `[kafka]` section, the clients' configuration and the topics;
//! - [`context`]: what the clients report (connection state, assignments, lag);
//! - [`publish`]: intake's producer ([`crate::Publisher`]) and the events relay's send;
//! - [`consume`]: the rules engine's consumer group member ([`crate::Source`]).

pub mod consume;
pub mod context;
pub mod publish;
pub mod settings;

pub use consume::{offsets_to_store, KafkaSource};
pub use context::{log_librdkafka, ConnectionState, EngineContext, ProducerContext};
pub use publish::{send_event, KafkaProducer, KafkaPublisher};
pub use settings::{KafkaSettings, TopicSpec};
