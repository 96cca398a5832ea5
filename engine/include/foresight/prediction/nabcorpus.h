#pragma once

#include <cstdint>
#include <vector>

#include <QByteArrayView>
#include <QMap>
#include <QString>
#include <QStringList>

#include "foresight/core/result.h"
#include "foresight/prediction/nabscorer.h"

namespace foresight::prediction {

// Reading the Numenta Anomaly Benchmark from disk (the layout of numenta/NAB v1.1):
//   <nab>/data/<category>/<name>.csv          timestamp,value
//   <nab>/labels/combined_windows.json        {"<category>/<name>.csv": [[start, end], ...]}
//   <nab>/config/profiles.json                {"<profile>": {"CostMatrix": {"tpWeight": ..}}}
//   <nab>/results/final_results.json          {"<detector>": {"<profile>": normalized score}}
//   <nab>/results/<detector>/<category>/<detector>_<name>.csv   per-row detector output
//
// Every function reads synchronously on the calling thread and returns the data by value; none
// keeps state. Malformed input is an error value whose message names the file and, for CSV, the
// line: Corruption for content that does not parse or does not fit together (a window whose
// timestamp is not a row), NotFound for a missing file or directory, IoError when a file cannot be
// read.

// "YYYY-MM-DD HH:MM:SS" with an optional all-zero fraction (".000000", as the labels have), read as
// UTC: seconds since 1970-01-01. Nullopt-like failure as InvalidArgument naming the text.
Result<std::int64_t> parseNabTimestamp(QByteArrayView text);

// A CSV file with a header line, a timestamp first column and numeric other columns (NAB's data
// and results files). columns excludes the timestamp column; values[c] holds column c.
struct NabTable
{
    QStringList columns;
    std::vector<std::int64_t> timestamps;
    std::vector<std::vector<double>> values;

    // The column called name, or nullptr.
    const std::vector<double> *column(const QString &name) const;
};

Result<NabTable> readNabCsv(const QString &path);

// One data file with its labels, the windows resolved to row indices.
struct NabDataFile
{
    QString relativePath; // "<category>/<name>.csv", as in combined_windows.json
    std::vector<std::int64_t> timestamps;
    std::vector<double> values;
    NabLabels labels;
};

struct NabCorpus
{
    QString directory;
    std::vector<NabDataFile> files; // sorted by relativePath
    std::vector<NabProfile> profiles;

    int windowCount() const;
    // The file with this relative path, or nullptr.
    const NabDataFile *find(const QString &relativePath) const;
};

// The profiles of config/profiles.json, sorted by name (QJsonObject keeps no file order).
Result<std::vector<NabProfile>> loadNabProfiles(const QString &path);

// The windows of labels/combined_windows.json as timestamp pairs, per relative path.
struct NabTimestampWindow
{
    std::int64_t start = 0;
    std::int64_t end = 0;
};
Result<QMap<QString, std::vector<NabTimestampWindow>>> loadNabWindows(const QString &path);

// Maps timestamp windows to row indices of timestamps (exact matches, as NAB requires).
// Corruption naming the window when a timestamp is not a row or the windows do not pass
// validateNabLabels(); context prefixes the message (the file's name).
Result<NabLabels> resolveNabWindows(const std::vector<NabTimestampWindow> &windows,
                                    const std::vector<std::int64_t> &timestamps,
                                    const QString &context);

// Loads data/, labels/combined_windows.json and config/profiles.json under nabDirectory. Every
// data file must have an entry in the labels and every labelled file must exist.
Result<NabCorpus> loadNabCorpus(const QString &nabDirectory);

// results/final_results.json: detector -> profile -> published normalized score.
Result<QMap<QString, QMap<QString, double>>> loadNabFinalResults(const QString &path);

} // namespace foresight::prediction
