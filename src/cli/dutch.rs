//! clap's own words in Dutch: the help and version flags, the headings of the help text, and
//! the refusals of a command line it cannot read (clap has no translations of its own).

use clap::error::{ContextKind, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The layout of every help text: clap's own, with Dutch headings.
const TEMPLATE: &str =
    "{before-help}{about-with-newline}\nGebruik: {usage}\n\n{all-args}{after-help}";

/// `command` and every subcommand with Dutch flags and headings.
pub fn command(command: Command) -> Command {
    // A subcommand may use `--version` for a value of its own (`model train`).
    let own_version = command
        .get_arguments()
        .any(|arg| arg.get_id() == "version" || arg.get_long() == Some("version"));
    let command = command
        .help_template(TEMPLATE)
        .subcommand_help_heading("Opdrachten")
        .subcommand_value_name("OPDRACHT")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .mut_args(|arg| {
            let heading = if arg.is_positional() {
                "Argumenten"
            } else {
                "Opties"
            };
            arg.help_heading(heading)
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Toon deze uitleg")
                .help_heading("Opties"),
        );
    let command = if own_version {
        command
    } else {
        command.version(env!("CARGO_PKG_VERSION")).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Toon de versie")
                .help_heading("Opties"),
        )
    };
    command.mut_subcommands(self::command)
}

/// The help text clap rendered, with the words its templates do not reach in Dutch.
pub fn help_text(rendered: &str) -> String {
    [
        ("[OPTIONS]", "[OPTIES]"),
        ("[default: ", "[standaard: "),
        ("[possible values: ", "[mogelijk: "),
        ("Possible values:", "Mogelijke waarden:"),
        ("[aliases: ", "[ook: "),
    ]
    .iter()
    .fold(rendered.to_string(), |text, (english, dutch)| {
        text.replace(english, dutch)
    })
}

/// A command line clap refused, in Dutch: what is wrong and where to read more. Help and
/// version requests are not refusals: `None`, for clap to print them.
pub fn refusal(error: &clap::Error) -> Option<String> {
    let context = |kind| error.get(kind).map(ToString::to_string).unwrap_or_default();
    let (argument, value) = (
        context(ContextKind::InvalidArg),
        context(ContextKind::InvalidValue),
    );
    let reason = match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::UnknownArgument => format!(
            "onbekende optie '{argument}'{}",
            suggestion(context(ContextKind::SuggestedArg))
        ),
        ErrorKind::InvalidSubcommand => format!(
            "onbekende opdracht '{}'{}",
            context(ContextKind::InvalidSubcommand),
            suggestion(context(ContextKind::SuggestedSubcommand))
        ),
        ErrorKind::MissingRequiredArgument => format!("ontbreekt: {argument}"),
        ErrorKind::MissingSubcommand => "geef een opdracht".to_string(),
        ErrorKind::InvalidValue => {
            let valid = context(ContextKind::ValidValue);
            let mut text = format!("{argument}: ongeldige waarde '{value}'");
            if !valid.is_empty() {
                text.push_str(&format!("; mogelijk: {valid}"));
            }
            text
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(error)
                .map(|source| format!(": {source}"))
                .unwrap_or_default();
            format!("{argument}: ongeldige waarde '{value}'{why}")
        }
        ErrorKind::ArgumentConflict => format!(
            "{argument} gaat niet samen met {}",
            context(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{argument}: verkeerd aantal waarden")
        }
        ErrorKind::NoEquals => format!("{argument}: schrijf de waarde met '='"),
        ErrorKind::InvalidUtf8 => "de opdrachtregel is geen geldige UTF-8".to_string(),
        _ => "de opdrachtregel is niet te lezen".to_string(),
    };
    Some(format!(
        "Fout: {reason}\n\nMeer uitleg: knooppunt --help, of knooppunt <opdracht> --help"
    ))
}

/// "; bedoelt u '--quarter'?" when clap found a name like the one given.
fn suggestion(suggested: String) -> String {
    if suggested.is_empty() {
        String::new()
    } else {
        format!("; bedoelt u '{suggested}'?")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    fn refused(args: &[&str]) -> String {
        let error = command(crate::cli::Cli::command())
            .try_get_matches_from(args)
            .map(|matches| crate::cli::Cli::from_arg_matches(&matches))
            .expect_err("refused");
        refusal(&error).expect("a refusal")
    }

    #[test]
    fn refusals_are_dutch_and_name_the_argument() {
        let text = refused(&["knooppunt", "brief", "--kwartaal", "2026Q3"]);
        assert!(
            text.starts_with("Fout: onbekende optie '--kwartaal'"),
            "{text}"
        );
        let text = refused(&["knooppunt", "brief", "--quartre", "2026Q3"]);
        assert!(text.contains("bedoelt u '--quarter'?"), "{text}");
        let text = refused(&["knooppunt", "bogus"]);
        assert!(
            text.starts_with("Fout: onbekende opdracht 'bogus'"),
            "{text}"
        );
        let text = refused(&["knooppunt", "brief"]);
        assert!(
            text.starts_with("Fout: ontbreekt: --quarter <QUARTER>"),
            "{text}"
        );
    }

    #[test]
    fn help_and_version_speak_dutch() {
        let mut cli = command(crate::cli::Cli::command());
        let help = help_text(&cli.render_long_help().to_string());
        let parts = "Gebruik: knooppunt [OPTIES] <OPDRACHT>|Opdrachten:|Opties:|Toon deze uitleg";
        for part in parts.split('|') {
            assert!(help.contains(part), "{part}: {help}");
        }
        assert!(
            !help.contains("Print help") && !help.contains("Usage:"),
            "{help}"
        );
        let brief = cli.find_subcommand_mut("brief").expect("brief");
        let help = brief.render_long_help().to_string();
        assert!(help.contains("Toon de versie"), "{help}");
    }
}
