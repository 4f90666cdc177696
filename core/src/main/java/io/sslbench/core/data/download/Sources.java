package io.sslbench.core.data.download;

import java.util.List;
import java.util.Locale;

/**
 * Official download locations and published checksums of the supported data sets (the MD5s torchvision
 * lists: {@code torchvision/datasets/cifar.py}, {@code stl10.py}, {@code mnist.py}). For the gzip-compressed idx
 * files of MNIST and Fashion-MNIST the MD5s of the decompressed files are published as well (Fashion-MNIST:
 * torchvision-style {@code raw_data} lists and its README's {@code md5sum} of the extracted files; MNIST: PyTorch's
 * {@code MNIST_EXTRACTED_FILES_MD5} / {@code fetch_mnist} scripts and many loaders), so a copy whose gzip wrapper
 * was re-made (Debian's and npm's packages) can be checked on its content.
 */
public final class Sources {
    /** System property that replaces every mirror by one base URL (files are fetched from base + "/" + name). */
    public static final String BASE_URL_PROPERTY = "sslbench.data.baseUrl";

    /**
     * One published file.
     *
     * @param name       file name on the server
     * @param md5        published MD5 (hex) of the file
     * @param contentMd5 published MD5 (hex) of its decompressed content ({@code .gz} files), or null if none is
     *                   published
     */
    public record RemoteFile(String name, String md5, String contentMd5) {
        public RemoteFile(String name, String md5) {
            this(name, md5, null);
        }
    }

    /**
     * Where a data set comes from.
     *
     * @param id      data set id
     * @param mirrors base URLs tried in order (each ends with "/")
     * @param files   files to fetch
     * @param archive true if the files are .tar.gz archives to extract into the data root
     */
    public record Source(String id, List<String> mirrors, List<RemoteFile> files, boolean archive) {
        /** @return this source with its mirrors replaced by {@code baseUrl} (null or blank: unchanged) */
        public Source withBaseUrl(String baseUrl) {
            if (baseUrl == null || baseUrl.isBlank()) {
                return this;
            }
            return new Source(id, List.of(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/"), files, archive);
        }
    }

    private static final Source CIFAR10 = new Source("cifar10", List.of("https://www.cs.toronto.edu/~kriz/"),
            List.of(new RemoteFile("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530")), true);
    private static final Source CIFAR100 = new Source("cifar100", List.of("https://www.cs.toronto.edu/~kriz/"),
            List.of(new RemoteFile("cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8")), true);
    private static final Source STL10 = new Source("stl10", List.of("http://ai.stanford.edu/~acoates/stl10/"),
            List.of(new RemoteFile("stl10_binary.tar.gz", "91f7769df0f17e558f3565bffb0c7dfb")), true);
    private static final Source MNIST = new Source("mnist",
            List.of("http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"),
            List.of(new RemoteFile("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                            "6bbc9ace898e44ae57da46a324031adb"),
                    new RemoteFile("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432",
                            "a25bea736e30d166cdddb491f175f624"),
                    new RemoteFile("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
                            "2646ac647ad5339dbf082846283269ea"),
                    new RemoteFile("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c",
                            "27ae3e4e09519cfbb04c329615203637")), false);
    private static final Source FASHION_MNIST = new Source("fashion-mnist",
            List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            List.of(new RemoteFile("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                            "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
                    new RemoteFile("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe",
                            "9018921c3c673c538a1fc5bad174d6f9"),
                    new RemoteFile("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79",
                            "8181f5470baa50b63fa0f6fddb340f0a"),
                    new RemoteFile("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310",
                            "15d484375f8d13e6eb1aabb0c3f46965")), false);

    private Sources() {}

    /**
     * @param id cifar10, cifar100, stl10, mnist or fashion-mnist
     * @return its official source, with mirrors replaced by system property {@value #BASE_URL_PROPERTY} if set
     */
    public static Source of(String id) {
        Source s = switch (id.toLowerCase(Locale.ROOT)) {
            case "cifar10" -> CIFAR10;
            case "cifar100" -> CIFAR100;
            case "stl10" -> STL10;
            case "mnist" -> MNIST;
            case "fashion-mnist" -> FASHION_MNIST;
            default -> throw new IllegalArgumentException("no download source for data set '" + id
                    + "'; known: cifar10, cifar100, stl10, mnist, fashion-mnist");
        };
        return s.withBaseUrl(System.getProperty(BASE_URL_PROPERTY));
    }
}
