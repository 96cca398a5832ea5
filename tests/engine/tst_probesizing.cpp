// The peer prober's two rules for a link that slows (agent/probesizing.h): the bandwidth ping's
// padding, and how a new measure moves the figure it is sized from. In scenario 05 a padding
// sized from the fast link before it slowed held the 24 KB/s link for ten seconds, the warm
// replica heard nothing of its primary for three and started its link over.

#include <QTest>

#include "agent/probesizing.h"

using namespace foresight::agent;

class TestProbeSizing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void paddingIsAboutATenthOfASecond()
    {
        constexpr qsizetype configured = 256 * 1024;
        QCOMPARE(probePaddingBytes({}, configured), kFirstPadBytes); // not measured yet
        QCOMPARE(probePaddingBytes({1'000'000, 200, 150}, configured), qsizetype(100'000));
        QCOMPARE(probePaddingBytes({50'000'000, 200, 150}, configured), configured); // at most the setting
        QCOMPARE(probePaddingBytes({24'000, 200, 150}, configured), kMinPadBytes);   // at least the smallest
        QCOMPARE(probePaddingBytes({1'000'000, 200, 150}, 4096), qsizetype(4096));   // a setting below it
        QCOMPARE(probePaddingBytes({}, 4096), qsizetype(4096));
    }

    void aSlowedLinkGetsTheSmallestPadding()
    {
        constexpr qsizetype configured = 256 * 1024;
        // Measured fast on loopback, then the small pings take 50 ms: 10 MB/s would size 256 KiB,
        // ten seconds of the 24 KB/s the link now carries.
        QCOMPARE(probePaddingBytes({10'000'000, 50'000, 150}, configured), kMinPadBytes);
        // Jitter on a fast link is not a slowdown: four times longer but under 5 ms more.
        QCOMPARE(probePaddingBytes({10'000'000, 900, 150}, configured), configured);
        // A long link that is as long as ever is not slowed either.
        QCOMPARE(probePaddingBytes({10'000'000, 80'000, 60'000}, configured), configured);
    }

    void dropsAreBelievedRisesAveraged()
    {
        QCOMPARE(nextBandwidthEstimate(-1, 5e6), 5e6);
        QCOMPARE(nextBandwidthEstimate(50e6, 24e3), 24e3); // the link slowed: at once
        QCOMPARE(nextBandwidthEstimate(24e3, 1e6), 512e3); // it recovers: halfway
        QCOMPARE(nextBandwidthEstimate(512e3, 1e6), 756e3);
    }
};

QTEST_GUILESS_MAIN(TestProbeSizing)
#include "tst_probesizing.moc"
