#include "failover/hookrunner.h"

#include <QProcess>

namespace foresight::failover {

namespace {
constexpr qsizetype kMaxOutput = 4096;
}

std::future<HookResult> runHook(const QString &program, const QProcessEnvironment &environment, int timeoutMs)
{
    return std::async(std::launch::async, [program, environment, timeoutMs] {
        HookResult result;
        QProcess process;
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, {});
        if (!process.waitForStarted(timeoutMs)) {
            result.output = QStringLiteral("cannot start %1: %2").arg(program, process.errorString());
            return result;
        }
        result.ran = true;
        if (!process.waitForFinished(timeoutMs)) {
            result.timedOut = true;
            process.kill();
            process.waitForFinished(1000);
        }
        QByteArray output = process.readAll();
        if (output.size() > kMaxOutput)
            output = output.right(kMaxOutput);
        result.output = QString::fromUtf8(output).trimmed();
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        return result;
    });
}

} // namespace foresight::failover
