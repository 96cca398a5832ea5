#pragma once

#include <QByteArrayView>
#include <QStringView>

// Where in the cluster file a problem is, so that an error can name the line as well as the
// field's path: an editor jumps to "cluster.json:12:", and a path such as apps[3].impact[1].keys
// is slow to find by eye in a long file.
namespace foresight::config {

// The 1-based line of byte `offset` (clamped to the text).
int lineAtOffset(QByteArrayView json, qsizetype offset);

// The 1-based line where the value at `path` (the error paths' syntax: "apps[0].impact[1].keys")
// begins in `json`, which must be valid JSON. A path that goes further than the text (a missing
// key, a default) gives the line of the deepest part that exists, the root object's at least.
// Keys with '.' or '[' in them are found (the longest key that fits the path wins); of duplicate
// keys, the last counts, as in QJsonDocument.
int lineOfPath(QByteArrayView json, QStringView path);

} // namespace foresight::config
