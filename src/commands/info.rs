//! The commands that print what plx knows: rules, explanations, completions, the man page
//! and the editor schemas.

use super::{Stop, Streams, invalid_argument, write_stdout};
use crate::cli::{Cli, CompletionsArgs, ExplainArgs, RulesArgs, RulesFormat, SchemaArgs};
use crate::report::EXIT_CLEAN;
use crate::rules;

pub fn rules(args: &RulesArgs, streams: &mut Streams<'_>) -> Result<u8, Stop> {
    let text = match args.format {
        RulesFormat::Text => rules::catalog::text(),
        RulesFormat::Json => rules::catalog::json(),
        RulesFormat::Markdown => rules::catalog::markdown(),
    };
    write_stdout(streams.stdout, text.as_bytes())?;
    Ok(EXIT_CLEAN)
}

pub fn explain(args: &ExplainArgs, streams: &mut Streams<'_>) -> Result<u8, Stop> {
    let text = match &args.rule {
        None => rules::catalog::text(),
        Some(code) => rules::find(code)
            .ok_or_else(|| {
                invalid_argument(format!("no rule `{code}`"), "`plx explain` lists them all")
            })?
            .explanation
            .to_owned(),
    };
    write_stdout(streams.stdout, text.as_bytes())?;
    Ok(EXIT_CLEAN)
}

pub fn completions(args: &CompletionsArgs, streams: &mut Streams<'_>) -> Result<u8, Stop> {
    // `generate` builds the subcommands' deferred arguments itself.
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "plx", &mut script);
    write_stdout(streams.stdout, &script)?;
    Ok(EXIT_CLEAN)
}

pub fn man(streams: &mut Streams<'_>) -> Result<u8, Stop> {
    // The man page lists every subcommand's arguments: make the deferred ones first.
    let mut command = <Cli as clap::CommandFactory>::command();
    command.build();
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .map_err(|error| invalid_argument(format!("could not write the man page: {error}"), ""))?;
    write_stdout(streams.stdout, &page)?;
    Ok(EXIT_CLEAN)
}

pub fn schema(args: &SchemaArgs, streams: &mut Streams<'_>) -> Result<u8, Stop> {
    let mut text = serde_json::to_string_pretty(&crate::schema::generate(args.target))
        .expect("a schema serializes");
    text.push('\n');
    write_stdout(streams.stdout, text.as_bytes())?;
    Ok(EXIT_CLEAN)
}
