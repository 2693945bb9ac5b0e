/*
 * cli_args.c - what every subcommand of the diachi command parses and
 * exits with: usage errors, "--name VALUE" options, the exit code of an
 * index error (0 ok, 1 not found, 2 usage, 3 data or index problem).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "diachi %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'diachi %s --help'.\n", cmd);
    return EXIT_USAGE;
}

int take_option(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return 0;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0') return 0;
    if (*i + 1 >= argc) return -1;
    *value = argv[++*i];
    return 1;
}

int exit_code_of(dc_err rc)
{
    if (rc == DC_E_NOT_FOUND) return EXIT_NOT_FOUND;
    if (rc == DC_E_INVALID_ARG) return EXIT_USAGE;
    return EXIT_DATA;
}
