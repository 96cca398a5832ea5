#include "config/sourcelines.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QString>

namespace foresight::config {

namespace {

// A forward-only reader over text QJsonDocument has already accepted: it only needs to skip
// values and read keys, never to report errors, and stops quietly at anything unexpected.
class Scanner
{
public:
    explicit Scanner(QByteArrayView json)
        : m_json(json)
    {}

    qsizetype pos() const { return m_pos; }
    void seek(qsizetype pos) { m_pos = pos; }
    bool atEnd() const { return m_pos >= m_json.size(); }
    char peek() const { return atEnd() ? '\0' : m_json[m_pos]; }

    void skipSpace()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++m_pos;
    }

    bool consume(char c)
    {
        skipSpace();
        if (peek() != c)
            return false;
        ++m_pos;
        return true;
    }

    // A string token, decoded; the scanner stands after it.
    QString readString()
    {
        skipSpace();
        const qsizetype start = m_pos;
        skipString();
        const QByteArrayView token = m_json.sliced(start, m_pos - start);
        if (!token.contains('\\'))
            return QString::fromUtf8(token.sliced(1, qMax<qsizetype>(token.size() - 2, 0)));
        // Escapes decoded by the parser that accepted the file, so both read the key alike.
        const QByteArray wrapped = '[' + token.toByteArray() + ']';
        return QJsonDocument::fromJson(wrapped).array().at(0).toString();
    }

    void skipValue()
    {
        skipSpace();
        const char c = peek();
        if (c == '"') {
            skipString();
        } else if (c == '{' || c == '[') {
            int depth = 0;
            while (!atEnd()) {
                const char d = peek();
                if (d == '"') {
                    skipString();
                    continue;
                }
                ++m_pos;
                if (d == '{' || d == '[')
                    ++depth;
                else if ((d == '}' || d == ']') && --depth == 0)
                    return;
            }
        } else {
            while (!atEnd() && peek() != ',' && peek() != '}' && peek() != ']' && peek() != ' ' && peek() != '\n'
                   && peek() != '\r' && peek() != '\t') {
                ++m_pos;
            }
        }
    }

private:
    // Never past the end, whatever the text: m_pos indexes slices of it.
    void skipString()
    {
        ++m_pos; // the opening quote
        while (!atEnd() && peek() != '"')
            m_pos += peek() == '\\' ? 2 : 1;
        m_pos = qMin(m_pos + 1, m_json.size());
    }

    QByteArrayView m_json;
    qsizetype m_pos = 0;
};

// Whether `rest` goes on with `key` as its next part.
bool startsWithKey(QStringView rest, const QString &key)
{
    return rest.startsWith(key) && (rest.size() == key.size() || rest[key.size()] == u'.' || rest[key.size()] == u'[');
}

} // namespace

int lineAtOffset(QByteArrayView json, qsizetype offset)
{
    const qsizetype end = qBound<qsizetype>(0, offset, json.size());
    return int(json.first(end).count('\n')) + 1;
}

int lineOfPath(QByteArrayView json, QStringView path)
{
    Scanner scanner(json);
    scanner.skipSpace();
    qsizetype found = scanner.pos(); // the deepest value the path has reached: the root, at least
    QStringView rest = path;
    while (!rest.isEmpty()) {
        if (rest.startsWith(u'[')) {
            const qsizetype close = rest.indexOf(u']');
            bool ok = false;
            const qsizetype index = close < 0 ? -1 : rest.sliced(1, close - 1).toLongLong(&ok);
            if (!ok || index < 0 || !scanner.consume('['))
                break;
            bool reached = true;
            for (qsizetype i = 0; i < index && reached; ++i) {
                scanner.skipValue();
                reached = scanner.consume(',');
            }
            scanner.skipSpace();
            if (!reached || scanner.peek() == ']')
                break;
            found = scanner.pos();
            rest = rest.sliced(close + 1);
        } else {
            if (rest.startsWith(u'.'))
                rest = rest.sliced(1);
            if (!scanner.consume('{'))
                break;
            // Every member is looked at: the longest key that fits wins, the last of equals.
            qsizetype bestLength = -1;
            qsizetype bestOffset = -1;
            scanner.skipSpace();
            while (scanner.peek() == '"') {
                const QString key = scanner.readString();
                if (!scanner.consume(':'))
                    break;
                scanner.skipSpace();
                if (startsWithKey(rest, key) && key.size() >= bestLength) {
                    bestLength = key.size();
                    bestOffset = scanner.pos();
                }
                scanner.skipValue();
                if (!scanner.consume(','))
                    break;
                scanner.skipSpace();
            }
            if (bestOffset < 0)
                break;
            found = bestOffset;
            rest = rest.sliced(bestLength);
            scanner.seek(bestOffset);
        }
    }
    return lineAtOffset(json, found);
}

} // namespace foresight::config
