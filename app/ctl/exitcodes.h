#pragma once

// foresightctl's exit codes, the same for every command; --help lists them.
enum Exit {
    ExitOk = 0,
    ExitRefused = 1,      // the agent or console refused, or the console store could not be used
    ExitUsage = 2,        // bad usage or input (options, files, keys)
    ExitUnreachable = 3,  // no answer: nothing listens, the connection dropped, or the time-out ran out
    ExitUnauthorized = 4, // the agent or console refused this side's key or role
};
