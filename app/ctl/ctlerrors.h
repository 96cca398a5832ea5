#pragma once

// How foresightctl tells the user what went wrong: the message on stderr, prefixed with the
// program's name, and the exit code it means (exitcodes.h).

#include <QString>

#include "foresight/core/result.h"

// What an invalid-argument error means depends on who said it: foresightctl's own checks (bad
// usage) or the agent or console refusing a well-formed command (a lagging candidate, promoting
// what is already primary).
enum class InvalidArgumentIs { Usage, Refusal };

// Prints the error; unreachable for time-outs and network errors, unauthorized for a refused
// key, and otherwise refused (or usage, as `invalid` says for invalid-argument).
int reportError(const foresight::Error &error, InvalidArgumentIs invalid);
// What the user gave on this side (key files, keys, values) is wrong, whatever the code says: a
// missing or world-readable key file is bad input, not a refusal.
int inputError(const foresight::Error &error);
// Bad usage of foresightctl itself; points at --help.
int usage(const QString &message);
