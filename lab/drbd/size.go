package drbd

// UsableSectors is the size of a DRBD 8.2 device on a backing disk of n
// sectors with internal meta data: the 4 KiB superblock sits in the last
// whole 4 KiB of the disk, the 32 KiB activity log before it and the bitmap
// (a bit per 4 KiB, in whole 4 KiB pages) before that; the device is what
// lies below, in whole 4 KiB. /dev/xvdb1 of 2097085 sectors gives 2096944.
func UsableSectors(n int64) int64 {
	if n <= 0 {
		return 0
	}
	u := mdOffset(n) - alSectors - bitmapSectors(n)
	if u < 0 {
		return 0
	}
	return u &^ 7
}

const alSectors = 64 // 32 KiB of activity log

// mdOffset is the superblock's first sector.
func mdOffset(n int64) int64 { return n&^7 - 8 }

func bitmapSectors(n int64) int64 {
	bits := (n + 7) / 8
	bytes := (bits + 7) / 8
	return ((bytes + 4095) &^ 4095) / 512
}
