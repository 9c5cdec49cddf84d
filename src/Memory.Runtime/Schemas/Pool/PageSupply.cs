using System.Runtime.InteropServices;

namespace Memory.Schemas.Pool;

/// <summary>
/// Where a pool gets its pages: a cache of empty pages, then the untouched pages of its newest run, then a new run
/// from the C heap (<see cref="OSSchema.AllocateBlock"/>, aligned to the page size). Wholly free runs go back to the
/// C heap on <see cref="ReleaseEmptyRuns"/>, which the pool's garbage collection calls.
/// </summary>
/// <remarks>
/// Part of <see cref="PoolHeap"/> and, like it, used by one thread at a time. Empty pages are kept in a doubly linked
/// list threaded through their headers so that releasing a run can unlink its pages without a search.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PageSupply
{
    private nint _pageSize;
    private int _pagesPerRun;
    private PageHeader* _emptyPages;
    private PageRun* _runs;
    private PageRun* _newestRun;

    /// <summary>Bytes of the runs held, used or not.</summary>
    public long ReservedBytes;

    /// <summary>Pages handed out and not returned: in some size class or holding a block of their own.</summary>
    public int PagesInUse;

    /// <summary>Whether the supply holds no memory at all.</summary>
    public readonly bool IsEmpty => _runs == null;

    /// <summary>Whether the next <see cref="Take"/> has to ask the C heap for a new run.</summary>
    public readonly bool NeedsNewRun => _emptyPages == null && (_newestRun == null || _newestRun->Touched == _pagesPerRun);

    public void Initialize(in PoolLayout layout)
    {
        this = default;
        _pageSize = layout.PageSize;
        _pagesPerRun = layout.PagesPerRun;
    }

    /// <summary>A page for <paramref name="owner"/>, or null when the C heap is out of memory. The caller formats it.</summary>
    public PageHeader* Take(PoolHeap* owner)
    {
        PageHeader* page = _emptyPages;
        if (page != null)
        {
            Unlink(page);
            page->Run->FreePages--;
            PagesInUse++;
            return page;
        }

        PageRun* run = _newestRun;
        if (run == null || run->Touched == _pagesPerRun)
        {
            run = AddRun();
            if (run == null)
                return null;
        }

        page = PageHeader.AtPage(run->Start + run->Touched * _pageSize, _pageSize);
        run->Touched++;
        run->FreePages--;
        PagesInUse++;
        page->Owner = owner;
        page->Run = run;
        page->Next = null;
        page->Previous = null;
        return page;
    }

    /// <summary>Takes back a page no class uses any more; its memory stays reserved until <see cref="ReleaseEmptyRuns"/>.</summary>
    public void Return(PageHeader* page)
    {
        page->ClassIndex = PageHeader.Unused;
        page->InClassList = false;
        page->Previous = null;
        page->Next = _emptyPages;
        if (_emptyPages != null)
            _emptyPages->Previous = page;
        _emptyPages = page;
        page->Run->FreePages++;
        PagesInUse--;
    }

    /// <summary>Returns every run none of whose pages is in use to the C heap.</summary>
    public void ReleaseEmptyRuns()
    {
        PageRun* run = _runs;
        while (run != null)
        {
            PageRun* next = run->Next;
            if (run->FreePages == _pagesPerRun)
                ReleaseRun(run);
            run = next;
        }
    }

    private PageRun* AddRun()
    {
        nint runBytes = _pagesPerRun * _pageSize;
        nint start = OSSchema.AllocateBlock(runBytes, _pageSize);
        if (start == 0)
            return null;
        var run = (PageRun*)OSSchema.AllocateBlock(sizeof(PageRun), 0);
        if (run == null)
        {
            OSSchema.FreeBlock(start);
            return null;
        }

        run->Start = start;
        run->Touched = 0;
        run->FreePages = _pagesPerRun;
        run->Previous = null;
        run->Next = _runs;
        if (_runs != null)
            _runs->Previous = run;
        _runs = run;
        _newestRun = run;
        ReservedBytes += runBytes;
        return run;
    }

    private void ReleaseRun(PageRun* run)
    {
        // Every touched page of a wholly free run is in the empty-page cache: take them out before the memory goes.
        for (int i = 0; i < run->Touched; i++)
            Unlink(PageHeader.AtPage(run->Start + i * _pageSize, _pageSize));

        if (run->Previous != null)
            run->Previous->Next = run->Next;
        else
            _runs = run->Next;
        if (run->Next != null)
            run->Next->Previous = run->Previous;
        if (_newestRun == run)
            _newestRun = null;

        ReservedBytes -= _pagesPerRun * _pageSize;
        OSSchema.FreeBlock(run->Start);
        OSSchema.FreeBlock((nint)run);
    }

    private void Unlink(PageHeader* page)
    {
        if (page->Previous != null)
            page->Previous->Next = page->Next;
        else
            _emptyPages = page->Next;
        if (page->Next != null)
            page->Next->Previous = page->Previous;
        page->Next = null;
        page->Previous = null;
    }
}
