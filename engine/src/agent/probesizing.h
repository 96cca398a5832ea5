#pragma once

// How the peer prober (peerprober.h) sizes its bandwidth ping and folds each measure into its
// figure. Pure, so that the two rules a slowed link depends on are tested on their own
// (tests/engine/tst_probesizing.cpp): a padding that sits in a slow link's queue holds back
// everything else on it, a warm replica's critical keys and its keep-alives included.

#include <QtGlobal>

namespace foresight::agent {

// The first padding (before any measure), and the smallest after it: 4 KiB is a sixth of a
// second of a 24 KB/s link, still long enough there to measure.
inline constexpr qsizetype kFirstPadBytes = 16 * 1024;
inline constexpr qsizetype kMinPadBytes = 4 * 1024;

struct ProbeFigures
{
    double bandwidthBytesPerS = -1; // negative: not measured yet
    double lastRttUs = -1;          // the last small ping's round trip; negative: none yet
    double minRttUs = -1;           // the smallest small ping's round trip; negative: none yet
};

// kFirstPadBytes while not measured; then about 100 ms of the link as last measured, within
// kMinPadBytes and `configured` (the configured 256 KiB is ten seconds of a 24 KB/s link); and
// kMinPadBytes when the small pings' last round trip is over 4 times the smallest seen and 5 ms
// longer: the link has slowed or queues since the measure, which would oversize the padding.
// Never above `configured`.
qsizetype probePaddingBytes(const ProbeFigures &figures, qsizetype configured);

// The bandwidth figure after a new measure: a drop is believed at once, a rise halfway (the
// padding is sized from the figure, see above). `previous` negative: the measure itself.
double nextBandwidthEstimate(double previous, double measured);

} // namespace foresight::agent
