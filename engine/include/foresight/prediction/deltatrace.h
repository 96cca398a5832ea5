#pragma once

#include <vector>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include "foresight/core/result.h"
#include "foresight/state/statedelta.h"

namespace foresight::prediction {

// Recorded delta streams ("delta traces"): what the Predictive State Engine learns from and is
// evaluated on. A trace file is JSON Lines, one delta per line, UTF-8:
//
//   {"app":"nab-nyc-taxi","epoch":1,"key":"rides/per_30min","op":"put","seq":2,"ts":1404172800000,"value":"10844"}
//   {"app":"nab-nyc-taxi","epoch":1,"key":"session","op":"delete","seq":3,"ts":1404174600000}
//
// (members in any order; the writer sorts them by name)
//   app      string, non-empty: the application the delta belongs to
//   epoch    integer >= 0: the primary's epoch (StateDelta::epoch); never decreases per app
//   seq      integer >= 1: StateDelta::seq; strictly increasing per app (gaps are allowed: a
//            trace may be a filtered recording)
//   ts       integer: StateDelta::timestampMs, the primary's wall clock (may go backwards, as
//            wall clocks do; consumers must cope)
//   key      string, non-empty
//   op       "put" or "delete"
//   value    string: the value's bytes as UTF-8 text, for a put whose value is valid UTF-8
//   value_b64  string: the value's bytes in base64, for a put whose value is not; a put has
//            exactly one of value / value_b64, a delete has neither
//
// Integers must be JSON numbers with no fraction and |n| <= 2^53. Blank lines are skipped;
// unknown members are ignored (newer writers may add some). Deltas of several applications may
// be interleaved; the reader keeps each application's deltas in file order.
//
// Numeric state values, as the PSE reads them (parseNumericValue in statepredictor.h), are
// decimal text: "42", "-3.5", "1e-3".

// One application's recorded deltas, in the order they were applied.
struct DeltaTrace
{
    QString application;
    std::vector<state::StateDelta> deltas;
};

// Parses trace text. sourceName (a file name) prefixes every error message, followed by the
// 1-based line: "traces/a.jsonl:17: seq 12 is not greater than the previous seq 12 of app x".
// Corruption for any malformed or inconsistent record; nothing is returned partially.
// Applications come out in the order of their first record.
Result<QList<DeltaTrace>> parseDeltaTraces(QByteArrayView text, const QString &sourceName);

// Reads a file: NotFound when it does not exist, IoError when it cannot be read, else as
// parseDeltaTraces with the path as sourceName.
Result<QList<DeltaTrace>> readDeltaTraceFile(const QString &path);

// The text of traces, application after application, one line per delta, ending in a newline.
// InvalidArgument when a trace could not be read back as it is (empty application or key, a
// delete with a value, seq not increasing, epoch decreasing).
Result<QByteArray> formatDeltaTraces(const QList<DeltaTrace> &traces);

// Writes formatDeltaTraces(traces) to path atomically (QSaveFile). IoError naming the path.
Status writeDeltaTraceFile(const QString &path, const QList<DeltaTrace> &traces);

} // namespace foresight::prediction
