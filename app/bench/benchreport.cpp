#include "benchreport.h"

#include <cmath>
#include <cstdio>

#include <thread>

#include <QByteArray>
#include <QFile>
#include <QStringList>

namespace foresight::bench {

namespace {

QString member(const char *key, const QString &jsonValue)
{
    return jsonString(QLatin1String(key)) + QLatin1Char(':') + jsonValue;
}

void printLine(FILE *stream, const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace

QString jsonString(const QString &text)
{
    QString out;
    out.reserve(text.size() + 2);
    out += QLatin1Char('"');
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'"':
            out += QLatin1String("\\\"");
            break;
        case u'\\':
            out += QLatin1String("\\\\");
            break;
        case u'\n':
            out += QLatin1String("\\n");
            break;
        case u'\r':
            out += QLatin1String("\\r");
            break;
        case u'\t':
            out += QLatin1String("\\t");
            break;
        default:
            if (c.unicode() < 0x20)
                out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            else
                out += c;
        }
    }
    out += QLatin1Char('"');
    return out;
}

QString jsonNumber(double value, int decimals)
{
    if (!std::isfinite(value))
        return QStringLiteral("null");
    QString text = QString::number(value, 'f', decimals);
    if (text.contains(QLatin1Char('.'))) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
    }
    if (text == QLatin1String("-0"))
        text = QStringLiteral("0");
    return text;
}

std::optional<double> ratioOf(const Figure &figure)
{
    if (!figure.value || !figure.baselineValue || *figure.value <= 0.0 || *figure.baselineValue <= 0.0)
        return std::nullopt;
    return figure.better == Better::Higher ? *figure.value / *figure.baselineValue
                                           : *figure.baselineValue / *figure.value;
}

QString toJsonLine(const Figure &figure)
{
    QStringList members{
        member("bench", jsonString(figure.bench)),
        member("case", jsonString(figure.caseName)),
        member("figure", jsonString(figure.figure)),
        member("unit", jsonString(figure.unit)),
        member("value", figure.value ? jsonNumber(*figure.value, figure.decimals) : QStringLiteral("null")),
    };
    if (!figure.baseline.isEmpty() && figure.baselineValue) {
        members << member("baseline", jsonString(figure.baseline))
                << member("baseline_value", jsonNumber(*figure.baselineValue, figure.decimals));
        if (const auto ratio = ratioOf(figure))
            members << member("ratio", jsonNumber(*ratio, 2));
    }
    if (figure.target)
        members << member("target", jsonNumber(*figure.target, 2));
    return QLatin1Char('{') + members.join(QLatin1Char(',')) + QLatin1Char('}');
}

void printFigure(const Figure &figure)
{
    printLine(stdout, toJsonLine(figure));
}

QString noteJsonLine(const QString &bench, const QString &caseName, const QString &note)
{
    return QLatin1Char('{') + member("bench", jsonString(bench)) + QLatin1Char(',')
           + member("case", jsonString(caseName)) + QLatin1Char(',') + member("note", jsonString(note))
           + QLatin1Char('}');
}

void printNote(const QString &bench, const QString &caseName, const QString &note)
{
    printLine(stdout, noteJsonLine(bench, caseName, note));
}

void printEnvironmentNote(const QString &bench, int durationMs, int warmupMs)
{
    QString load = QStringLiteral("unknown");
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    if (loadavg.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> fields = loadavg.readAll().split(' ');
        if (!fields.isEmpty())
            load = QString::fromLatin1(fields.first());
    }
    printNote(bench,
              QStringLiteral("environment"),
              QStringLiteral("%1 CPUs, load average %2 (1 min) at start; %3 ms recorded per case "
                             "after %4 ms warm-up")
                  .arg(std::thread::hardware_concurrency())
                  .arg(load)
                  .arg(durationMs)
                  .arg(warmupMs));
}

void printLines(const QStringList &lines)
{
    for (const QString &line : lines) {
        const QByteArray bytes = line.toUtf8() + '\n';
        std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout);
    }
    std::fflush(stdout);
}

void logProgress(const QString &message)
{
    printLine(stderr, QStringLiteral("foresight-bench: ") + message);
}

} // namespace foresight::bench
