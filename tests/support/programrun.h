#pragma once

// Runs one of the project's executables (built beside the test) to its end, as a user or a
// script would: its exit code, stdout and stderr. A run that outlives its time is killed, and
// says so in err with what it had written to stderr by then.

#include <initializer_list>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace foresight::testing {

struct ProgramRun
{
    int exitCode = -1; // -1: crashed, or killed after its time
    QString out;
    QString err;
    qint64 elapsedMs = 0;

    QString describe() const { return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(exitCode).arg(out, err); }
    QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

// This process's environment without the named variables (those a program falls back on, which
// must not leak in from the shell that runs the tests).
inline QProcessEnvironment environmentWithout(std::initializer_list<const char *> names)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : names)
        environment.remove(QLatin1String(name));
    return environment;
}

inline ProgramRun runProgram(const QString &program,
                             const QStringList &args,
                             int timeoutMs,
                             const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    ProgramRun run;
    QElapsedTimer timer;
    timer.start();
    // Foresight's programs are built beside the test; others (pdfinfo) are named by absolute path.
    process.start(QDir::isAbsolutePath(program) ? program
                                                : QCoreApplication::applicationDirPath() + QLatin1Char('/') + program,
                  args);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        run.err = QStringLiteral("%1 did not finish within %2 ms; its stderr: %3")
                      .arg(program)
                      .arg(timeoutMs)
                      .arg(QString::fromUtf8(process.readAllStandardError()));
        return run;
    }
    run.elapsedMs = timer.elapsed();
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace foresight::testing
