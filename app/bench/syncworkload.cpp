#include "syncworkload.h"

#include <algorithm>

#include <QFile>
#include <QRandomGenerator>
#include <QTextStream>

#include "foresight/cluster/demoworkload.h"
#include "foresight/state/statedelta.h"

namespace foresight::bench {

namespace {

using partitioning::AccessKind;

constexpr auto kHeader = "# foresight-bench sync workload v1";

// "cart/user-17" -> "user-17": the user a cart belongs to, whose session the shop checks first.
QString userOf(const QString &cartKey)
{
    return cartKey.section(QLatin1Char('/'), 1, 1);
}

QChar kindLetter(const WorkloadAccess &access)
{
    if (access.kind == AccessKind::Read)
        return QLatin1Char('R');
    return access.valueBytes < 0 ? QLatin1Char('D') : QLatin1Char('W');
}

} // namespace

SyncWorkload recordShopWorkload(const ShopRecording &recording)
{
    SyncWorkload workload;
    workload.shape = cluster::workloadShapeName(cluster::WorkloadShape::WebShop);
    workload.durationMs = recording.durationMs;
    const int writers = std::max(1, recording.writers);
    const double intervalMs = 1000.0 / std::max(1, recording.writesPerSecondPerWriter);
    for (int writer = 0; writer < writers; ++writer) {
        // Each writer its own generator, as DemoWorkload's threads have, from the one seed.
        QRandomGenerator random(recording.seed * 7919u + quint32(writer) * 104'729u + 17u);
        const auto client = std::uint32_t(writer + 1);
        // Staggered starts, so that the writers' writes interleave instead of landing together.
        for (qint64 n = 1;; ++n) {
            const auto atMs = std::int64_t(intervalMs * (double(n - 1) + double(writer) / writers));
            if (atMs >= recording.durationMs)
                break;
            const cluster::DemoWrite write = cluster::nextDemoWrite(cluster::WorkloadShape::WebShop, random, writer, n);
            if (write.key.startsWith(QLatin1String("cart/"))) {
                const QString user = userOf(write.key);
                workload.accesses.append({atMs, AccessKind::Read, client, 0, QStringLiteral("session/") + user});
                workload.accesses.append({atMs, AccessKind::Read, client, 0, write.key});
            }
            workload.accesses.append(
                {atMs, AccessKind::Write, client, write.value ? int(write.value->size()) : -1, write.key});
        }
    }
    // By time; within one millisecond, writers in order (stable: a writer's reads stay before its write).
    std::stable_sort(workload.accesses.begin(),
                     workload.accesses.end(),
                     [](const WorkloadAccess &a, const WorkloadAccess &b) { return a.atMs < b.atMs; });
    return workload;
}

Status writeWorkload(const SyncWorkload &workload, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return fail(ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    QTextStream out(&file);
    out << kHeader << '\n' << "shape " << workload.shape << '\n' << "duration-ms " << workload.durationMs << '\n';
    for (const WorkloadAccess &access : workload.accesses) {
        out << access.atMs << ' ' << kindLetter(access) << ' ' << access.client << ' ' << std::max(access.valueBytes, 0)
            << ' ' << access.key << '\n';
    }
    out.flush();
    if (out.status() != QTextStream::Ok || !file.flush())
        return fail(ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

Result<SyncWorkload> readWorkload(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return fail(ErrorCode::IoError, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    QTextStream in(&file);
    const auto bad = [&path](qint64 line, const QString &what) {
        return fail(ErrorCode::InvalidArgument, QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(what));
    };
    if (in.readLine() != QLatin1String(kHeader))
        return bad(1, QStringLiteral("not a foresight-bench sync workload (expected '%1')").arg(QLatin1String(kHeader)));
    SyncWorkload workload;
    const QString shapeLine = in.readLine();
    if (!shapeLine.startsWith(QLatin1String("shape ")))
        return bad(2, QStringLiteral("expected 'shape NAME'"));
    workload.shape = shapeLine.mid(6);
    const QString durationLine = in.readLine();
    bool ok = false;
    workload.durationMs = durationLine.section(QLatin1Char(' '), 1).toLongLong(&ok);
    if (!durationLine.startsWith(QLatin1String("duration-ms ")) || !ok || workload.durationMs <= 0)
        return bad(3, QStringLiteral("expected 'duration-ms N'"));
    qint64 lineNumber = 3;
    while (!in.atEnd()) {
        const QString line = in.readLine();
        ++lineNumber;
        if (line.isEmpty())
            continue;
        const QStringList fields = line.split(QLatin1Char(' '));
        if (fields.size() != 5)
            return bad(lineNumber, QStringLiteral("expected 'ms R|W|D client bytes key'"));
        WorkloadAccess access;
        bool okTime = false, okClient = false, okBytes = false;
        access.atMs = fields.at(0).toLongLong(&okTime);
        access.client = fields.at(2).toUInt(&okClient);
        access.valueBytes = fields.at(3).toInt(&okBytes);
        access.key = fields.at(4);
        const QString &kind = fields.at(1);
        if (kind == QLatin1String("R")) {
            access.kind = AccessKind::Read;
            access.valueBytes = 0;
        } else if (kind == QLatin1String("W")) {
            access.kind = AccessKind::Write;
        } else if (kind == QLatin1String("D")) {
            access.kind = AccessKind::Write;
            access.valueBytes = -1;
        } else {
            return bad(lineNumber, QStringLiteral("unknown access kind '%1'").arg(kind));
        }
        if (!okTime || !okClient || !okBytes || access.atMs < 0 || access.atMs >= workload.durationMs
            || access.key.isEmpty() || (!workload.accesses.isEmpty() && access.atMs < workload.accesses.last().atMs)) {
            return bad(lineNumber, QStringLiteral("bad access (times must be in order and within the duration)"));
        }
        workload.accesses.append(access);
    }
    return workload;
}

std::int64_t deltaBytes(const WorkloadAccess &write)
{
    state::StateDelta delta;
    delta.key = write.key;
    delta.op = write.valueBytes < 0 ? state::DeltaOp::Delete : state::DeltaOp::Put;
    delta.value = QByteArray(std::max(write.valueBytes, 0), 'x');
    return delta.byteSize();
}

} // namespace foresight::bench
