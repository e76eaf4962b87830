using System.Reflection;
using System.Runtime.InteropServices;
using Custos.Core.Errors;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// One loaded PKCS#11 module, shared by every <see cref="Pkcs11Token"/> of the process that names the same
/// path. Cryptoki state is per process, not per handle: <c>C_Finalize</c> through any handle ends every
/// session and login of every user of the module, so the module is loaded once, counted, and finalised only
/// when its last user lets go. This table is the one process-wide mutable state of the adapter, because the
/// thing it mirrors is process-wide.
/// </summary>
internal sealed class Pkcs11Module
{
    private static readonly Lock TableLock = new();
    private static readonly Dictionary<string, Pkcs11Module> Loaded = new(StringComparer.Ordinal);
    private static bool _resolverRegistered;

    private readonly Lock _lock = new();
    private int _users;

    private Pkcs11Module(string path, IPkcs11Library library)
    {
        Path = path;
        Library = library;
    }

    /// <summary>The module's path as configured.</summary>
    public string Path { get; }

    /// <summary>Factories of Pkcs11Interop (mechanisms, attributes, parameters).</summary>
    public static Pkcs11InteropFactories Factories { get; } = new();

    /// <summary>The current handle; replaced when the module is re-initialised.</summary>
    public IPkcs11Library Library { get; private set; }

    /// <summary>Loads and initialises the module at <paramref name="path"/>, or shares the process's handle to it.</summary>
    public static Pkcs11Module Acquire(string path)
    {
        lock (TableLock)
        {
            RegisterLibdlResolver();
            if (!Loaded.TryGetValue(path, out var module))
            {
                module = new Pkcs11Module(path, Load(path));
                Loaded.Add(path, module);
            }
            module._users++;
            return module;
        }
    }

    /// <summary>Drops one user; the last one finalises the module.</summary>
    public void Release()
    {
        lock (TableLock)
        {
            if (--_users > 0) return;
            Loaded.Remove(Path);
            try { Library.Dispose(); }
            catch (Pkcs11Exception) { } // already finalised by someone else: nothing left to release
        }
    }

    /// <summary>
    /// Initialises the module again after something finalised it (<c>CKR_CRYPTOKI_NOT_INITIALIZED</c>) and
    /// returns the new handle. <paramref name="seen"/> is the handle the caller failed with: when another
    /// token already re-initialised, its handle is returned instead of initialising twice. The old handle is
    /// dropped without <c>Dispose</c>, which would finalise the module again.
    /// </summary>
    public IPkcs11Library Reinitialize(IPkcs11Library seen)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(Library, seen)) return Library;
            Library = Load(Path);
            return Library;
        }
    }

    private static IPkcs11Library Load(string path)
    {
        if (path.Contains('/', StringComparison.Ordinal) && !File.Exists(path))
            throw Error.Unavailable($"the PKCS#11 module library '{path}' does not exist");
        try
        {
            return Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path, AppType.MultiThreaded);
        }
        catch (Pkcs11Exception e)
        {
            throw Error.Unavailable($"the PKCS#11 module library '{path}' failed to initialise: {Pkcs11Errors.Describe(e.RV)} ({Pkcs11Errors.Name(e.RV)})", e);
        }
        catch (Exception e) when (e is UnmanagedException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw Error.Unavailable($"the PKCS#11 module library '{path}' could not be loaded ({FirstLine(e.Message)})", e);
        }
    }

    // Pkcs11Interop dlopens through "libdl", which glibc 2.34+ only ships as libdl.so.2. Called under TableLock,
    // so no module loads before the resolver is in place.
    private static void RegisterLibdlResolver()
    {
        if (_resolverRegistered) return;
        _resolverRegistered = true;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, ResolveLibdl);
        }
        catch (InvalidOperationException)
        {
            // The host registered its own resolver for Pkcs11Interop first; it is in charge of libdl then.
        }
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim().TrimEnd('.', ':');
    }

    private static IntPtr ResolveLibdl(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == "libdl" && NativeLibrary.TryLoad("libdl.so.2", out var handle) ? handle : IntPtr.Zero;
}
