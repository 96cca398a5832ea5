// How the unix:// SDK endpoint cuts a byte stream into messages: whole messages whatever the
// read sizes, an oversized one skipped without being buffered, a length too short to hold a
// header ends the stream.

#include <QCborMap>
#include <QTest>

#include "transport/streamframing.h"

using namespace foresight;
using protocol::Message;
using protocol::MessageType;
using transport::StreamFrameReader;

namespace {

constexpr qsizetype kLimit = 1024;

QByteArray framed(const Message &message)
{
    QByteArray out;
    transport::appendStreamMessage(out, message);
    return out;
}

Message statusRequest(qint64 id, qsizetype padding = 0)
{
    QCborMap body{{QStringLiteral("id"), id}};
    if (padding > 0)
        body.insert(QStringLiteral("pad"), QByteArray(padding, 'x'));
    return Message{MessageType::Status, body};
}

QByteArray lengthPrefix(quint32 length)
{
    QByteArray out;
    for (int shift = 24; shift >= 0; shift -= 8)
        out.append(char((length >> shift) & 0xff));
    return out;
}

// The request id of the next message, or -1 when the reader has none.
qint64 nextId(StreamFrameReader &reader)
{
    StreamFrameReader::Frame frame;
    if (reader.next(&frame) != StreamFrameReader::Event::Message)
        return -1;
    auto decoded = protocol::decode(frame.header, frame.body);
    return decoded ? decoded->body.value(QStringLiteral("id")).toInteger(-1) : -1;
}

} // namespace

class TestStreamFraming : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lengthPrefixCountsHeaderAndBody()
    {
        const Message message = statusRequest(5);
        const QByteArray bytes = framed(message);
        const qsizetype payload = protocol::kHeaderSize + protocol::encodeBody(message.body).size();
        QCOMPARE(bytes.size(), transport::kStreamLengthBytes + payload);
        QCOMPARE(bytes.left(4), lengthPrefix(quint32(payload)));
        QCOMPARE(bytes.mid(4, protocol::kHeaderSize), protocol::encodeHeader(MessageType::Status));
    }

    void messagesComeOutWholeWhateverTheReadSizes()
    {
        const QByteArray stream = framed(statusRequest(1)) + framed(statusRequest(2, 300)) + framed(statusRequest(3));
        for (const qsizetype chunk : {qsizetype(1), qsizetype(3), qsizetype(7), stream.size()}) {
            StreamFrameReader reader(kLimit);
            QList<qint64> ids;
            for (qsizetype at = 0; at < stream.size(); at += chunk) {
                reader.append(stream.constData() + at, qMin(chunk, stream.size() - at));
                for (qint64 id = nextId(reader); id >= 0; id = nextId(reader))
                    ids.append(id);
            }
            QCOMPARE(ids, (QList<qint64>{1, 2, 3}));
            QCOMPARE(reader.buffered(), qsizetype(0));
        }
    }

    void oversizedMessageIsSkippedAndTheNextOneRead()
    {
        const QByteArray big = framed(statusRequest(8, 2 * kLimit));
        const QByteArray stream = big + framed(statusRequest(9));
        StreamFrameReader reader(kLimit);
        StreamFrameReader::Frame frame;
        // The length arrives first: reported at once, before the payload is there.
        reader.append(stream.constData(), 6);
        QCOMPARE(reader.next(&frame), StreamFrameReader::Event::Oversized);
        QCOMPARE(qsizetype(reader.announcedLength()), big.size() - transport::kStreamLengthBytes);
        // The payload is dropped as it comes, never held.
        for (qsizetype at = 6; at < big.size(); at += 100) {
            reader.append(stream.constData() + at, qMin<qsizetype>(100, big.size() - at));
            QCOMPARE(reader.next(&frame), StreamFrameReader::Event::None);
            QCOMPARE(reader.buffered(), qsizetype(0));
        }
        reader.append(stream.constData() + big.size(), stream.size() - big.size());
        QCOMPARE(nextId(reader), qint64(9));
    }

    void lengthShorterThanAHeaderBreaksTheStream()
    {
        StreamFrameReader reader(kLimit);
        const QByteArray stream = lengthPrefix(3) + "abc" + framed(statusRequest(4));
        reader.append(stream.constData(), stream.size());
        StreamFrameReader::Frame frame;
        QCOMPARE(reader.next(&frame), StreamFrameReader::Event::Broken);
        QCOMPARE(reader.announcedLength(), quint32(3));
        // Nothing after it is trusted, however good it looks.
        QCOMPARE(reader.next(&frame), StreamFrameReader::Event::Broken);
        const QByteArray more = framed(statusRequest(5));
        reader.append(more.constData(), more.size());
        QCOMPARE(reader.next(&frame), StreamFrameReader::Event::Broken);
    }

    void messageAtTheLimitIsRead()
    {
        // Exactly the limit is allowed, one byte more is not.
        const Message message = statusRequest(6);
        const qsizetype size = protocol::kHeaderSize + protocol::encodeBody(message.body).size();
        StreamFrameReader exact(size);
        const QByteArray bytes = framed(message);
        exact.append(bytes.constData(), bytes.size());
        QCOMPARE(nextId(exact), qint64(6));
        StreamFrameReader under(size - 1);
        under.append(bytes.constData(), bytes.size());
        StreamFrameReader::Frame frame;
        QCOMPARE(under.next(&frame), StreamFrameReader::Event::Oversized);
    }
};

QTEST_GUILESS_MAIN(TestStreamFraming)
#include "tst_streamframing.moc"
