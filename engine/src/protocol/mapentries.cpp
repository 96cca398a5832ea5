#include "protocol/mapentries.h"

#include "protocol/cborwriter.h"

namespace foresight::protocol {

void MapEntries::addText(QLatin1StringView key, const QString &text)
{
    appendText(m_bytes, key);
    appendText(m_bytes, text);
    ++m_count;
}

void MapEntries::addText(QLatin1StringView key, QLatin1StringView text)
{
    appendText(m_bytes, key);
    appendText(m_bytes, text);
    ++m_count;
}

void MapEntries::addBytes(QLatin1StringView key, const QByteArray &bytes)
{
    appendText(m_bytes, key);
    appendBytes(m_bytes, bytes);
    ++m_count;
}

void MapEntries::addInteger(QLatin1StringView key, qint64 value)
{
    appendText(m_bytes, key);
    appendInteger(m_bytes, value);
    ++m_count;
}

void MapEntries::clear()
{
    // resize, not clear(): QByteArray::clear() frees the buffer, and the next write would
    // allocate it again.
    m_bytes.resize(0);
    m_count = 0;
}

} // namespace foresight::protocol
