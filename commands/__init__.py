"""The command line: one module of subcommands per subject, each calling the same functions the app calls."""
