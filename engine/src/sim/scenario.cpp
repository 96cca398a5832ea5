#include "foresight/sim/scenario.h"

#include <algorithm>
#include <optional>

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace foresight::sim {

namespace {

// A scenario is a page of text written by a person; anything this large is a mistake.
constexpr qint64 kMaxScenarioBytes = 1024 * 1024;
constexpr qint64 kMaxDurationMs = 24LL * 3600 * 1000;
// The simulated network's own bound on a link's one-way latency (LinkModel::validate()).
constexpr qint64 kMaxLatencyMs = 60'000;
// A slow link is the point; anything faster than this is a typing mistake, not a fault.
constexpr qint64 kMaxSlowBytesPerSec = 1'000'000'000;

struct NamedFault
{
    const char *name;
    FaultKind kind;
};
constexpr NamedFault kFaults[] = {{"crash", FaultKind::Crash},
                                  {"freeze", FaultKind::Freeze},
                                  {"degrade", FaultKind::Degrade},
                                  {"partition", FaultKind::Partition},
                                  {"corrupt", FaultKind::Corrupt},
                                  {"slow", FaultKind::Slow}};

struct NamedDegradation
{
    const char *name;
    Degradation degradation;
};
constexpr NamedDegradation kDegradations[] = {{"memory-leak", Degradation::MemoryLeak},
                                              {"disk-errors", Degradation::DiskErrors},
                                              {"latency-creep", Degradation::LatencyCreep},
                                              {"cpu-saturation", Degradation::CpuSaturation}};

struct NamedObjective
{
    const char *name;
    ObjectiveKind kind;
};
constexpr NamedObjective kObjectives[] = {{"restore-within", ObjectiveKind::RestoreWithin},
                                          {"no-acked-write-lost", ObjectiveKind::NoAckedWriteLost},
                                          {"no-corrupt-promotion", ObjectiveKind::NoCorruptPromotion},
                                          {"moved-before-crash", ObjectiveKind::MovedBeforeCrash}};

template<typename Table>
QString namesOf(const Table &table)
{
    QStringList names;
    for (const auto &entry : table)
        names << QLatin1String(entry.name);
    return names.join(QStringLiteral(", "));
}

// "10s", "1500ms", "2m" → milliseconds; nullopt for anything else.
std::optional<qint64> parseDuration(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{1,9})(ms|s|m)$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 value = match.captured(1).toLongLong();
    const QString unit = match.captured(2);
    const qint64 ms = unit == QLatin1String("ms") ? value : unit == QLatin1String("s") ? value * 1000 : value * 60'000;
    if (ms > kMaxDurationMs)
        return std::nullopt;
    return ms;
}

class Parser
{
public:
    explicit Parser(QString source)
        : m_source(std::move(source))
    {}

    Result<Scenario> run(const QByteArray &text)
    {
        if (text.size() > kMaxScenarioBytes)
            return fail(ErrorCode::InvalidArgument,
                        QStringLiteral("%1: %2 bytes; a scenario is at most %3")
                            .arg(m_source)
                            .arg(text.size())
                            .arg(kMaxScenarioBytes));
        const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
        for (int i = 0; i < lines.size(); ++i) {
            m_line = i + 1;
            const QString line = lines[i].trimmed();
            if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
                continue;
            if (Status status = parseLine(line); !status)
                return std::unexpected(status.error());
        }
        return finish();
    }

private:
    std::unexpected<Error> error(const QString &what, int line = 0) const
    {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("%1:%2: %3").arg(m_source).arg(line ? line : m_line).arg(what));
    }

    Status parseLine(const QString &line)
    {
        const QStringList words = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words.first() == QLatin1String("at"))
            return parseFault(words);
        if (words.first() == QLatin1String("objective"))
            return parseObjective(words);
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            return error(QStringLiteral("expected 'name:', 'difficulty:', 'duration:', 'app:', 'description:', "
                                        "'objective …' or 'at …', not '%1'")
                             .arg(line.left(40)));
        return parseHeader(line.left(colon).trimmed(), line.mid(colon + 1).trimmed());
    }

    Status parseHeader(const QString &key, const QString &value)
    {
        if (key == QLatin1String("description")) {
            m_scenario.description += (m_scenario.description.isEmpty() ? QString() : QStringLiteral(" ")) + value;
            return {};
        }
        if (m_seenHeaders.contains(key))
            return error(QStringLiteral("'%1' is given twice").arg(key));
        m_seenHeaders << key;
        if (value.isEmpty())
            return error(QStringLiteral("'%1' needs a value").arg(key));
        if (key == QLatin1String("name")) {
            m_scenario.name = value;
        } else if (key == QLatin1String("app")) {
            m_scenario.app = value;
        } else if (key == QLatin1String("difficulty")) {
            bool ok = false;
            m_scenario.difficulty = value.toInt(&ok);
            if (!ok || m_scenario.difficulty < 1 || m_scenario.difficulty > 5)
                return error(QStringLiteral("difficulty '%1' must be a whole number from 1 to 5").arg(value));
        } else if (key == QLatin1String("duration")) {
            const auto ms = parseDuration(value);
            if (!ms || *ms == 0)
                return error(QStringLiteral("duration '%1' is not a time such as 90s or 2m (at most 24 h)").arg(value));
            m_scenario.durationMs = *ms;
            m_durationLine = m_line;
        } else {
            return error(
                QStringLiteral("unknown setting '%1' (expected name, difficulty, duration, app, description)").arg(key));
        }
        return {};
    }

    // at <time> <fault> <target> [<peer> | <degradation> | <peer> <bytes/s>] [latency <time>] [for <time>]
    Status parseFault(const QStringList &words)
    {
        if (words.size() < 4)
            return error(QStringLiteral("a fault reads 'at <time> <fault> <target> …', e.g. 'at 10s crash primary'"));
        ScenarioFault fault;
        fault.line = m_line;
        const auto at = parseDuration(words[1]);
        if (!at)
            return error(QStringLiteral("'%1' is not a time such as 10s, 1500ms or 2m").arg(words[1]));
        fault.atMs = *at;
        const auto kind = std::find_if(std::begin(kFaults), std::end(kFaults), [&](const NamedFault &f) {
            return words[2] == QLatin1String(f.name);
        });
        if (kind == std::end(kFaults))
            return error(QStringLiteral("unknown fault '%1' (expected %2)").arg(words[2], namesOf(kFaults)));
        fault.kind = kind->kind;
        fault.target = words[3];
        qsizetype next = 4;
        if (fault.kind == FaultKind::Partition || fault.kind == FaultKind::Slow) {
            const bool slow = fault.kind == FaultKind::Slow;
            if (words.size() <= next || words[next] == QLatin1String("for"))
                return error(slow ? QStringLiteral("a slow link names two sides and a bandwidth: "
                                                   "'at 20s slow primary warm-replica 24000'")
                                  : QStringLiteral("a partition names two sides: 'at 70s partition alpha bravo'"));
            fault.peer = words[next++];
            if (fault.peer == fault.target)
                return error(QStringLiteral("a %1 between '%2' and itself")
                                 .arg(slow ? u"slow link"_s : u"partition"_s, fault.peer));
            if (slow) {
                if (words.size() <= next)
                    return error(QStringLiteral("a slow link needs its bandwidth in bytes per second, e.g. "
                                                "'at 20s slow primary warm-replica 24000'"));
                bool ok = false;
                fault.bandwidthBytesPerSec = words[next].toLongLong(&ok);
                if (!ok || fault.bandwidthBytesPerSec < 1 || fault.bandwidthBytesPerSec > kMaxSlowBytesPerSec)
                    return error(QStringLiteral("bandwidth '%1' must be a whole number of bytes per second from 1 "
                                                "to %2")
                                     .arg(words[next])
                                     .arg(kMaxSlowBytesPerSec));
                ++next;
            }
        } else if (fault.kind == FaultKind::Degrade) {
            if (words.size() <= next)
                return error(QStringLiteral("degrade needs how: %1").arg(namesOf(kDegradations)));
            const auto how = std::find_if(std::begin(kDegradations),
                                          std::end(kDegradations),
                                          [&](const NamedDegradation &d) {
                                              return words[next] == QLatin1String(d.name);
                                          });
            if (how == std::end(kDegradations))
                return error(
                    QStringLiteral("unknown degradation '%1' (expected %2)").arg(words[next], namesOf(kDegradations)));
            fault.degradation = how->degradation;
            ++next;
        }
        if (fault.kind == FaultKind::Slow && words.size() > next + 1 && words[next] == QLatin1String("latency")) {
            const auto latency = parseDuration(words[next + 1]);
            if (!latency || *latency > kMaxLatencyMs)
                return error(
                    QStringLiteral("latency '%1' is not a time such as 25ms (at most 60 s)").arg(words[next + 1]));
            fault.latencyMs = *latency;
            next += 2;
        }
        if (words.size() > next) {
            if (words[next] != QLatin1String("for") || words.size() != next + 2)
                return error(QStringLiteral("unexpected '%1' after the fault (only %2 may follow)")
                                 .arg(words.mid(next).join(QLatin1Char(' ')),
                                      fault.kind == FaultKind::Slow ? u"'latency <time>' and 'for <time>'"_s
                                                                    : u"'for <time>'"_s));
            if (fault.kind == FaultKind::Crash || fault.kind == FaultKind::Corrupt)
                return error(QStringLiteral("a %1 has no duration").arg(words[2]));
            const auto duration = parseDuration(words[next + 1]);
            if (!duration || *duration == 0)
                return error(QStringLiteral("'%1' is not a time such as 5s").arg(words[next + 1]));
            fault.durationMs = *duration;
        }
        m_scenario.faults.append(fault);
        return {};
    }

    // objective <kind> [<time>] [points <n>]
    Status parseObjective(const QStringList &words)
    {
        if (words.size() < 2)
            return error(QStringLiteral("an objective names what to achieve: %1").arg(namesOf(kObjectives)));
        const auto kind = std::find_if(std::begin(kObjectives), std::end(kObjectives), [&](const NamedObjective &o) {
            return words[1] == QLatin1String(o.name);
        });
        if (kind == std::end(kObjectives))
            return error(QStringLiteral("unknown objective '%1' (expected %2)").arg(words[1], namesOf(kObjectives)));
        ScenarioObjective objective;
        objective.kind = kind->kind;
        objective.line = m_line;
        qsizetype next = 2;
        if (objective.kind == ObjectiveKind::RestoreWithin) {
            const auto within = words.size() > next ? parseDuration(words[next]) : std::nullopt;
            if (!within || *within == 0)
                return error(QStringLiteral("restore-within needs a time, e.g. 'objective restore-within 30s'"));
            objective.withinMs = *within;
            ++next;
        }
        if (words.size() > next) {
            bool ok = false;
            const int points = words.size() == next + 2 ? words[next + 1].toInt(&ok) : 0;
            if (words[next] != QLatin1String("points") || !ok || points < 1 || points > 100)
                return error(QStringLiteral("unexpected '%1' (only 'points <1..100>' may follow)")
                                 .arg(words.mid(next).join(QLatin1Char(' '))));
            objective.points = points;
        }
        m_scenario.objectives.append(objective);
        return {};
    }

    Result<Scenario> finish()
    {
        const int end = m_line;
        for (const char *required : {"name", "difficulty", "duration"}) {
            if (!m_seenHeaders.contains(QLatin1String(required)))
                return error(QStringLiteral("'%1:' is missing").arg(QLatin1String(required)), end);
        }
        if (m_scenario.objectives.isEmpty())
            return error(QStringLiteral("no objective: a scenario scores the trainee on at least one"), end);
        if (m_scenario.faults.isEmpty())
            return error(QStringLiteral("no fault: a scenario scripts at least one ('at 10s crash primary')"), end);
        for (const ScenarioFault &fault : m_scenario.faults) {
            if (fault.atMs >= m_scenario.durationMs)
                return error(QStringLiteral("this fault comes at or after the scenario's end (duration, line %1)")
                                 .arg(m_durationLine),
                             fault.line);
        }
        std::stable_sort(m_scenario.faults.begin(), m_scenario.faults.end(), [](const auto &a, const auto &b) {
            return a.atMs < b.atMs;
        });
        int explicitPoints = 0, unset = 0;
        for (const ScenarioObjective &objective : m_scenario.objectives) {
            explicitPoints += objective.points;
            unset += objective.points == 0 ? 1 : 0;
        }
        if (explicitPoints > 100 || (unset > 0 && explicitPoints >= 100))
            return error(QStringLiteral("the objectives' points add up to %1; 100 at most, with some left for those "
                                        "that set none")
                             .arg(explicitPoints),
                         m_scenario.objectives.last().line);
        int shareLeft = 100 - explicitPoints;
        for (ScenarioObjective &objective : m_scenario.objectives) {
            if (objective.points == 0) {
                objective.points = shareLeft / unset--;
                shareLeft -= objective.points;
            }
        }
        return m_scenario;
    }

    QString m_source;
    int m_line = 0;
    int m_durationLine = 0;
    QStringList m_seenHeaders;
    Scenario m_scenario;
};

} // namespace

QString faultKindName(FaultKind kind)
{
    for (const NamedFault &fault : kFaults) {
        if (fault.kind == kind)
            return QLatin1String(fault.name);
    }
    return QStringLiteral("unknown");
}

QString degradationName(Degradation degradation)
{
    for (const NamedDegradation &entry : kDegradations) {
        if (entry.degradation == degradation)
            return QLatin1String(entry.name);
    }
    return QStringLiteral("unknown");
}

QString objectiveKindName(ObjectiveKind kind)
{
    for (const NamedObjective &objective : kObjectives) {
        if (objective.kind == kind)
            return QLatin1String(objective.name);
    }
    return QStringLiteral("unknown");
}

QStringList scenarioRoles()
{
    return {QStringLiteral("primary"),
            QStringLiteral("hot-replica"),
            QStringLiteral("warm-replica"),
            QStringLiteral("cold-replica")};
}

Result<Scenario> Scenario::parse(const QByteArray &text, const QString &sourceName)
{
    return Parser(sourceName).run(text);
}

Result<Scenario> Scenario::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return fail(ErrorCode::NotFound, QStringLiteral("%1: no such scenario file").arg(path));
    if (QFileInfo(path).size() > kMaxScenarioBytes)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("%1: larger than a scenario can be (1 MiB)").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::IoError, QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString()));
    return parse(file.readAll(), path);
}

} // namespace foresight::sim
