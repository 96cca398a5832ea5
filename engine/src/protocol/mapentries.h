#pragma once

// Private: the entries of a CBOR map whose head is written later. A request's "id" is the
// channel's to assign, so the SDK client encodes the rest of a write here (app, key, value, ack,
// epoch) and the channel writes the map head, these entries and the "id"
// (transport::appendRequestBody): no QCborMap is built, copied and encoded per write.

#include <QByteArray>
#include <QLatin1StringView>
#include <QString>

namespace foresight::protocol {

class MapEntries final
{
public:
    void addText(QLatin1StringView key, const QString &text);
    void addText(QLatin1StringView key, QLatin1StringView text);
    void addBytes(QLatin1StringView key, const QByteArray &bytes);
    // Signed, as QCborMap::insert(key, qint64) encodes it: a negative value stays negative.
    void addInteger(QLatin1StringView key, qint64 value);

    // Empty again; the buffer is kept for the next request.
    void clear();

    const QByteArray &bytes() const { return m_bytes; }
    quint64 count() const { return m_count; }

private:
    QByteArray m_bytes;
    quint64 m_count = 0;
};

} // namespace foresight::protocol
