#pragma once

// Private to metrics: which block devices are whole physical disks, for the host's metrics (I/O
// counted once) and its inventory (the disks it has) alike.

#include <algorithm>
#include <string_view>

namespace foresight::metrics {

// Backed by memory or a file (loop, ram, zram), or stacked on other disks (dm-*: LVM, dm-crypt,
// multipath; md*: software RAID).
inline bool isVirtualOrStackedDisk(std::string_view name)
{
    return name.starts_with("loop") || name.starts_with("ram") || name.starts_with("zram") || name.starts_with("dm-")
           || name.starts_with("md");
}

inline bool allDigits(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The kernel names partition N of disk D "D" + N, or "D" + "p" + N when D ends in a digit
// (block/partitions/core.c), so a partition is recognised against the disks listed beside it.
inline bool isPartitionOf(std::string_view name, std::string_view disk)
{
    if (name.size() <= disk.size() || !name.starts_with(disk))
        return false;
    std::string_view suffix = name.substr(disk.size());
    if (disk.back() >= '0' && disk.back() <= '9') {
        if (suffix.front() != 'p')
            return false;
        suffix.remove_prefix(1);
    }
    return allDigits(suffix);
}

// A whole physical disk among `devices` (names, each with its partitions listed beside it): not
// virtual or stacked, and not a partition of another device listed.
template<typename Names, typename NameOf>
bool isWholeDisk(std::string_view name, const Names &devices, NameOf nameOf)
{
    if (isVirtualOrStackedDisk(name))
        return false;
    return std::none_of(devices.begin(), devices.end(), [&](const auto &other) {
        return isPartitionOf(name, nameOf(other));
    });
}

} // namespace foresight::metrics
