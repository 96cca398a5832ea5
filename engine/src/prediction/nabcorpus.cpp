#include "foresight/prediction/nabcorpus.h"

#include <algorithm>
#include <charconv>

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

namespace foresight::prediction {

namespace {

Result<QByteArray> readWholeFile(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return fail(ErrorCode::NotFound, QStringLiteral("%1 does not exist").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::IoError, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    return file.readAll();
}

Result<QJsonObject> readJsonObject(const QString &path)
{
    Result<QByteArray> bytes = readWholeFile(path);
    if (!bytes)
        return std::unexpected(bytes.error());
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return fail(ErrorCode::Corruption,
                    QStringLiteral("%1: invalid JSON at offset %2: %3")
                        .arg(path)
                        .arg(error.offset)
                        .arg(error.errorString()));
    if (!document.isObject())
        return fail(ErrorCode::Corruption, QStringLiteral("%1: expected a JSON object at the top").arg(path));
    return document.object();
}

int readDigits(QByteArrayView text, qsizetype from, qsizetype count, bool *ok)
{
    int value = 0;
    for (qsizetype i = from; i < from + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') {
            *ok = false;
            return 0;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t daysFromCivil(int year, int month, int day)
{
    year -= month <= 2 ? 1 : 0;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const int yearOfEra = year - era * 400;
    const int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return std::int64_t(era) * 146097 + dayOfEra - 719468;
}

Result<double> parseNumber(QByteArrayView text)
{
    double value = 0.0;
    const char *begin = text.data();
    const char *end = begin + text.size();
    if (begin != end && *begin == '+')
        ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || begin == end)
        return fail(ErrorCode::Corruption, QStringLiteral("'%1' is not a number").arg(QString::fromUtf8(text)));
    return value;
}

QString lineContext(const QString &path, int line)
{
    return path + QLatin1Char(':') + QString::number(line);
}

} // namespace

Result<std::int64_t> parseNabTimestamp(QByteArrayView text)
{
    // YYYY-MM-DD HH:MM:SS[.ffffff]
    bool ok = text.size() >= 19 && text[4] == '-' && text[7] == '-' && text[10] == ' ' && text[13] == ':'
              && text[16] == ':';
    const int year = ok ? readDigits(text, 0, 4, &ok) : 0;
    const int month = ok ? readDigits(text, 5, 2, &ok) : 0;
    const int day = ok ? readDigits(text, 8, 2, &ok) : 0;
    const int hour = ok ? readDigits(text, 11, 2, &ok) : 0;
    const int minute = ok ? readDigits(text, 14, 2, &ok) : 0;
    const int second = ok ? readDigits(text, 17, 2, &ok) : 0;
    if (ok && text.size() > 19) {
        ok = text[19] == '.' && text.size() > 20;
        for (qsizetype i = 20; ok && i < text.size(); ++i)
            ok = text[i] == '0';
    }
    ok = ok && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 60;
    if (!ok)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' is not a timestamp of the form YYYY-MM-DD HH:MM:SS (whole seconds)")
                        .arg(QString::fromUtf8(text)));
    return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

const std::vector<double> *NabTable::column(const QString &name) const
{
    const qsizetype index = columns.indexOf(name);
    return index < 0 ? nullptr : &values[size_t(index)];
}

Result<NabTable> readNabCsv(const QString &path)
{
    Result<QByteArray> bytes = readWholeFile(path);
    if (!bytes)
        return std::unexpected(bytes.error());
    const QByteArrayView text(*bytes);

    NabTable table;
    int lineNumber = 0;
    qsizetype position = 0;
    std::vector<QByteArrayView> cells;
    bool haveHeader = false;
    while (position < text.size()) {
        qsizetype end = text.indexOf('\n', position);
        if (end < 0)
            end = text.size();
        QByteArrayView line = text.sliced(position, end - position);
        position = end + 1;
        ++lineNumber;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;

        cells.clear();
        qsizetype start = 0;
        for (;;) {
            const qsizetype comma = line.indexOf(',', start);
            cells.push_back(line.sliced(start, (comma < 0 ? line.size() : comma) - start));
            if (comma < 0)
                break;
            start = comma + 1;
        }
        if (!haveHeader) {
            haveHeader = true;
            if (cells.size() < 2 || cells.front() != "timestamp")
                return fail(ErrorCode::Corruption,
                            QStringLiteral("%1: the header must start with 'timestamp' and name at least one more "
                                           "column")
                                .arg(lineContext(path, lineNumber)));
            for (size_t c = 1; c < cells.size(); ++c)
                table.columns << QString::fromUtf8(cells[c]);
            table.values.resize(cells.size() - 1);
            continue;
        }
        if (cells.size() != size_t(table.columns.size()) + 1)
            return fail(ErrorCode::Corruption,
                        QStringLiteral("%1: %2 cells, the header has %3")
                            .arg(lineContext(path, lineNumber))
                            .arg(cells.size())
                            .arg(table.columns.size() + 1));
        Result<std::int64_t> timestamp = parseNabTimestamp(cells.front());
        if (!timestamp)
            return fail(ErrorCode::Corruption,
                        QStringLiteral("%1: %2").arg(lineContext(path, lineNumber), timestamp.error().message));
        table.timestamps.push_back(*timestamp);
        for (size_t c = 1; c < cells.size(); ++c) {
            Result<double> value = parseNumber(cells[c]);
            if (!value)
                return fail(ErrorCode::Corruption,
                            QStringLiteral("%1: column '%2': %3")
                                .arg(lineContext(path, lineNumber),
                                     table.columns[qsizetype(c - 1)],
                                     value.error().message));
            table.values[c - 1].push_back(*value);
        }
    }
    if (!haveHeader)
        return fail(ErrorCode::Corruption, QStringLiteral("%1: no header line").arg(path));
    return table;
}

int NabCorpus::windowCount() const
{
    int count = 0;
    for (const NabDataFile &file : files)
        count += int(file.labels.windows.size());
    return count;
}

const NabDataFile *NabCorpus::find(const QString &relativePath) const
{
    const auto it
        = std::lower_bound(files.begin(), files.end(), relativePath, [](const NabDataFile &file, const QString &path) {
              return file.relativePath < path;
          });
    return it != files.end() && it->relativePath == relativePath ? &*it : nullptr;
}

Result<std::vector<NabProfile>> loadNabProfiles(const QString &path)
{
    Result<QJsonObject> root = readJsonObject(path);
    if (!root)
        return std::unexpected(root.error());
    std::vector<NabProfile> profiles;
    for (auto it = root->constBegin(); it != root->constEnd(); ++it) {
        const QJsonObject costs = it.value().toObject().value(QLatin1String("CostMatrix")).toObject();
        NabProfile profile;
        profile.name = it.key();
        const struct
        {
            const char *key;
            double *target;
        } fields[] = {{"tpWeight", &profile.tpWeight}, {"fnWeight", &profile.fnWeight}, {"fpWeight", &profile.fpWeight}};
        for (const auto &field : fields) {
            const QJsonValue value = costs.value(QLatin1String(field.key));
            if (!value.isDouble() || value.toDouble() < 0)
                return fail(ErrorCode::Corruption,
                            QStringLiteral("%1: profile '%2' needs CostMatrix.%3, a number >= 0")
                                .arg(path, it.key(), QLatin1String(field.key)));
            *field.target = value.toDouble();
        }
        profiles.push_back(profile);
    }
    if (profiles.empty())
        return fail(ErrorCode::Corruption, QStringLiteral("%1: no profiles").arg(path));
    return profiles;
}

Result<QMap<QString, std::vector<NabTimestampWindow>>> loadNabWindows(const QString &path)
{
    Result<QJsonObject> root = readJsonObject(path);
    if (!root)
        return std::unexpected(root.error());
    QMap<QString, std::vector<NabTimestampWindow>> result;
    for (auto it = root->constBegin(); it != root->constEnd(); ++it) {
        if (!it.value().isArray())
            return fail(ErrorCode::Corruption, QStringLiteral("%1: '%2' is not a list of windows").arg(path, it.key()));
        std::vector<NabTimestampWindow> windows;
        const QJsonArray list = it.value().toArray();
        for (qsizetype w = 0; w < list.size(); ++w) {
            const QJsonArray pair = list.at(w).toArray();
            Result<std::int64_t> start = pair.size() == 2
                                             ? parseNabTimestamp(pair.at(0).toString().toUtf8())
                                             : fail(ErrorCode::InvalidArgument, QStringLiteral("not a pair"));
            Result<std::int64_t> end = pair.size() == 2
                                           ? parseNabTimestamp(pair.at(1).toString().toUtf8())
                                           : fail(ErrorCode::InvalidArgument, QStringLiteral("not a pair"));
            if (!start || !end)
                return fail(ErrorCode::Corruption,
                            QStringLiteral("%1: window %2 of '%3' must be a pair of timestamps: %4")
                                .arg(path)
                                .arg(w)
                                .arg(it.key(), (!start ? start.error() : end.error()).message));
            windows.push_back(NabTimestampWindow{*start, *end});
        }
        result.insert(it.key(), std::move(windows));
    }
    return result;
}

Result<NabLabels> resolveNabWindows(const std::vector<NabTimestampWindow> &windows,
                                    const std::vector<std::int64_t> &timestamps,
                                    const QString &context)
{
    NabLabels labels;
    labels.rowCount = int(timestamps.size());
    // NAB looks windows up with list.index(): the first row with that timestamp.
    auto rowOf = [&](std::int64_t timestamp) {
        const auto it = std::find(timestamps.begin(), timestamps.end(), timestamp);
        return it == timestamps.end() ? -1 : int(it - timestamps.begin());
    };
    for (size_t w = 0; w < windows.size(); ++w) {
        const int first = rowOf(windows[w].start);
        const int last = rowOf(windows[w].end);
        if (first < 0 || last < 0) {
            const std::int64_t missing = first < 0 ? windows[w].start : windows[w].end;
            return fail(ErrorCode::Corruption,
                        QStringLiteral("%1: window %2 %3 %4, which is no row's timestamp")
                            .arg(context)
                            .arg(w)
                            .arg(first < 0 ? QStringLiteral("starts at") : QStringLiteral("ends at"))
                            .arg(QDateTime::fromSecsSinceEpoch(missing, QTimeZone::utc())
                                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
        }
        labels.windows.push_back(NabWindow{first, last});
    }
    if (Status ok = validateNabLabels(labels); !ok)
        return fail(ErrorCode::Corruption, QStringLiteral("%1: %2").arg(context, ok.error().message));
    return labels;
}

Result<NabCorpus> loadNabCorpus(const QString &nabDirectory)
{
    const QDir root(nabDirectory);
    const QString dataDir = root.filePath(QStringLiteral("data"));
    if (!QFileInfo(dataDir).isDir())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("%1 is not a NAB directory: it has no data/ folder").arg(nabDirectory));

    NabCorpus corpus;
    corpus.directory = nabDirectory;
    Result<std::vector<NabProfile>> profiles = loadNabProfiles(root.filePath(QStringLiteral("config/profiles.json")));
    if (!profiles)
        return std::unexpected(profiles.error());
    corpus.profiles = std::move(*profiles);
    const QString labelsPath = root.filePath(QStringLiteral("labels/combined_windows.json"));
    Result<QMap<QString, std::vector<NabTimestampWindow>>> windows = loadNabWindows(labelsPath);
    if (!windows)
        return std::unexpected(windows.error());

    QStringList paths;
    QDirIterator it(dataDir, {QStringLiteral("*.csv")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        paths << QDir(dataDir).relativeFilePath(it.next());
    paths.sort();
    if (paths.isEmpty())
        return fail(ErrorCode::NotFound, QStringLiteral("%1 holds no CSV files").arg(dataDir));

    for (const QString &relativePath : std::as_const(paths)) {
        const auto labelled = windows->constFind(relativePath);
        if (labelled == windows->constEnd())
            return fail(ErrorCode::Corruption,
                        QStringLiteral("%1 has no entry for data/%2").arg(labelsPath, relativePath));
        const QString path = QDir(dataDir).filePath(relativePath);
        Result<NabTable> table = readNabCsv(path);
        if (!table)
            return std::unexpected(table.error());
        const std::vector<double> *values = table->column(QStringLiteral("value"));
        if (!values)
            return fail(ErrorCode::Corruption, QStringLiteral("%1: no 'value' column").arg(path));
        Result<NabLabels> labels = resolveNabWindows(*labelled,
                                                     table->timestamps,
                                                     labelsPath + QStringLiteral(", ") + relativePath);
        if (!labels)
            return std::unexpected(labels.error());
        corpus.files.push_back(NabDataFile{relativePath, std::move(table->timestamps), *values, std::move(*labels)});
    }
    for (auto label = windows->constBegin(); label != windows->constEnd(); ++label) {
        if (!corpus.find(label.key()))
            return fail(ErrorCode::Corruption,
                        QStringLiteral("%1 labels %2, which is not in %3").arg(labelsPath, label.key(), dataDir));
    }
    return corpus;
}

Result<QMap<QString, QMap<QString, double>>> loadNabFinalResults(const QString &path)
{
    Result<QJsonObject> root = readJsonObject(path);
    if (!root)
        return std::unexpected(root.error());
    QMap<QString, QMap<QString, double>> result;
    for (auto detector = root->constBegin(); detector != root->constEnd(); ++detector) {
        const QJsonObject profiles = detector.value().toObject();
        for (auto profile = profiles.constBegin(); profile != profiles.constEnd(); ++profile) {
            if (!profile.value().isDouble())
                return fail(ErrorCode::Corruption,
                            QStringLiteral("%1: %2/%3 is not a number").arg(path, detector.key(), profile.key()));
            result[detector.key()][profile.key()] = profile.value().toDouble();
        }
    }
    return result;
}

} // namespace foresight::prediction
