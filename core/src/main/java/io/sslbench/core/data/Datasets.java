package io.sslbench.core.data;

import io.sslbench.core.data.download.Fetcher;
import io.sslbench.core.data.download.Sources;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a data set split by id: {@code cifar10}, {@code cifar100}, {@code stl10}, {@code mnist},
 * {@code fashion-mnist}, or {@code imagefolder:<path>}.
 *
 * <p>CIFAR-10 is read from the official binary batches ({@code <root>/cifar-10-batches-bin/}) when present,
 * else from an image-folder copy ({@code <root>/cifar10-jpg/<split>/<class>/}, whose sorted class folders must be
 * the CIFAR-10 classes in label order). Decoded image folders are cached on disk ({@link DecodedCache}).
 * A missing data set is downloaded when allowed, else the error says where to put which files.
 * For {@code imagefolder:<path>}, split {@code all} is the folder itself; any other split is
 * {@code <path>/<split>/}.
 */
public final class Datasets {
    /** Prefix of ImageFolder ids. */
    public static final String IMAGEFOLDER = "imagefolder:";

    private Datasets() {}

    /**
     * @param id            data set id (see class doc)
     * @param split         train, test, unlabeled, train+unlabeled (STL-10) or all (ImageFolder)
     * @param root          where the data sets live
     * @param allowDownload fetch from the official source when absent
     * @return the split as HWC uint8 images
     */
    public static ImageDataset load(String id, String split, DataRoot root, boolean allowDownload) {
        return load(id, split, root, LoadOptions.defaults().withDownload(allowDownload));
    }

    /** As {@link #load(String, String, DataRoot, boolean)} with every option explicit. */
    public static ImageDataset load(String id, String split, DataRoot root, LoadOptions opt) {
        Split sp = Split.parse(split);
        ImageDataset ds;
        if (id.startsWith(IMAGEFOLDER)) {
            ds = loadImageFolder(Path.of(id.substring(IMAGEFOLDER.length())), sp, root, opt);
        } else {
            KnownDataset k = KnownDataset.byId(id);
            if (!k.splits().contains(sp)) {
                throw new IllegalArgumentException(k.id() + " has splits " + k.splits().stream().map(Split::id).toList()
                        + ", not " + sp.id());
            }
            ds = loadKnown(k, sp, root, opt);
        }
        return opt.maxImages() > 0 && ds.size() > opt.maxImages() ? ds.head(opt.maxImages()) : ds;
    }

    private static ImageDataset loadKnown(KnownDataset k, Split sp, DataRoot root, LoadOptions opt) {
        Path dir = root.child(k.dirName());
        if (k == KnownDataset.CIFAR10 && !Files.isDirectory(dir)) {
            Path jpg = root.child(KnownDataset.CIFAR10_JPG_DIR).resolve(sp.id());
            if (Files.isDirectory(jpg)) {
                return loadCifar10Jpg(jpg, sp, root, opt);
            }
        }
        if (!Files.isDirectory(dir) || !allPresent(k, sp, root)) {
            if (!opt.allowDownload()) {
                throw new DataException(dir, k.id() + " " + sp.id() + " not found under data root " + root.path()
                        + " (" + root.origin() + "). " + k.placementHelp(root));
            }
            fetch(k, root, opt);
        }
        return switch (k) {
            case CIFAR10 -> CifarBinaryReader.readCifar10(dir, sp);
            case CIFAR100 -> CifarBinaryReader.readCifar100(dir, sp);
            case STL10 -> Stl10BinaryReader.read(dir, sp, opt.maxImages());
            case MNIST -> IdxReader.readSplit(dir, "mnist", sp, IdxReader.MNIST_CLASSES);
            case FASHION_MNIST -> IdxReader.readSplit(dir, "fashion-mnist", sp, IdxReader.FASHION_CLASSES);
        };
    }

    private static boolean allPresent(KnownDataset k, Split sp, DataRoot root) {
        if (sp == Split.TRAIN_UNLABELED) {
            return k.present(root, Split.TRAIN) && k.present(root, Split.UNLABELED);
        }
        return k.present(root, sp);
    }

    /**
     * Downloads a known data set into the root (whatever is already there is left alone for per-file sources;
     * archive sources are fetched only when their directory is absent).
     *
     * @throws DataException if the download fails, with where to put the files by hand
     */
    public static void fetch(KnownDataset k, DataRoot root, LoadOptions opt) {
        fetch(k, root, opt, opt.quiet() ? null : System.err);
    }

    /** As {@link #fetch(KnownDataset, DataRoot, LoadOptions)}, drawing progress on {@code progress} (null: quiet). */
    public static void fetch(KnownDataset k, DataRoot root, LoadOptions opt, PrintStream progress) {
        Sources.Source src = Sources.of(k.id()).withBaseUrl(opt.baseUrl());
        if (src.archive() && Files.isDirectory(root.child(k.dirName()))) {
            throw new DataException(root.child(k.dirName()), "exists but is incomplete; remove it and fetch again. "
                    + k.placementHelp(root));
        }
        try {
            new Fetcher(root.path(), progress).fetch(src, k.dirName(), true);
        } catch (DataException e) {
            throw new DataException(e.file(), e.problem() + "\n" + k.placementHelp(root), e);
        }
    }

    private static ImageDataset loadCifar10Jpg(Path jpg, Split sp, DataRoot root, LoadOptions opt) {
        ImageFolderReader.Listing listing = ImageFolderReader.list(jpg);
        if (!listing.classNames().equals(CifarBinaryReader.CIFAR10_CLASSES)) {
            throw new DataException(jpg, "class folders " + listing.classNames() + " are not the CIFAR-10 classes "
                    + CifarBinaryReader.CIFAR10_CLASSES + " (sorted folder names must give the label order)");
        }
        DecodedCache cache = opt.useCache() ? DecodedCache.locate(root.path(), jpg) : null;
        return ImageFolderReader.read(jpg, "cifar10/" + sp.id(), cache, opt.threads());
    }

    private static ImageDataset loadImageFolder(Path base, Split sp, DataRoot root, LoadOptions opt) {
        Path dir = sp == Split.ALL ? base : base.resolve(sp.id());
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir, "no such folder: imagefolder split '" + sp.id() + "' is " + base + "/"
                    + sp.id() + "/ (use split 'all' for the folder itself)");
        }
        String name = "imagefolder:" + base.getFileName() + "/" + sp.id();
        DecodedCache cache = opt.useCache() ? DecodedCache.locate(root.path(), dir) : null;
        return ImageFolderReader.read(dir, name, cache, opt.threads());
    }
}
