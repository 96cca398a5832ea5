#include "foresight/core/keyglob.h"

namespace foresight {

QRegularExpression keyGlobRegex(const QString &glob)
{
    if (glob.isEmpty())
        return QRegularExpression(QStringLiteral("(")); // an unclosed group: never valid
    // Literal runs are escaped whole: escaping one QChar at a time would split a surrogate pair
    // and make the pattern invalid UTF-16.
    QString regex = QStringLiteral("\\A");
    qsizetype literalStart = 0;
    for (qsizetype i = 0; i <= glob.size(); ++i) {
        if (i < glob.size() && glob[i] != u'*' && glob[i] != u'?')
            continue;
        regex += QRegularExpression::escape(QStringView(glob).sliced(literalStart, i - literalStart));
        if (i < glob.size())
            regex += glob[i] == u'*' ? QStringLiteral(".*") : QStringLiteral(".");
        literalStart = i + 1;
    }
    return QRegularExpression(regex + QStringLiteral("\\z"), QRegularExpression::DotMatchesEverythingOption);
}

} // namespace foresight
