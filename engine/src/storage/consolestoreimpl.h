#pragma once

// Private: what a ConsoleStore holds, shared by the files that implement it (consolestore.cpp,
// shadowsamples.cpp).

#include "foresight/core/clock.h"
#include "foresight/storage/consolestore.h"
#include "storage/sqlitedatabase.h"

namespace foresight::storage {

class ConsoleStore::Impl
{
public:
    Impl(SqliteDatabase db, const Clock &clock)
        : m_db(std::move(db))
        , m_clock(clock)
    {}
    ~Impl() { m_db.close(); }
    Impl(const Impl &) = delete;
    Impl &operator=(const Impl &) = delete;

    SqliteDatabase m_db;
    const Clock &m_clock;
};

} // namespace foresight::storage
